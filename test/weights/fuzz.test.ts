// Corrupted checkpoints must fail with CheckpointError (or load), never crash,
// hang or throw anything else. Mutations are seeded, so runs are repeatable.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CheckpointError } from '../../src/engine/errors.js';
import { HostTensor } from '../../src/engine/host-tensor.js';
import { encodeSafetensors, openCheckpoint } from '../../src/engine/weights/index.js';
import { unpickle } from '../../src/engine/weights/pickle.js';
import { torchUnpicklerHooks } from '../../src/engine/weights/torch-pickle.js';
import { fixture } from './fixtures.js';
import { tempDir } from './tmp.js';

const dir = tempDir('fuzz');

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(src: Uint8Array, rand: () => number): Uint8Array {
  const b = Uint8Array.from(src);
  const kind = Math.floor(rand() * 3);
  if (kind === 0) {
    const n = 1 + Math.floor(rand() * 4);
    for (let i = 0; i < n; i++) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
    return b;
  }
  if (kind === 1) return b.subarray(0, Math.floor(rand() * b.length));
  const at = Math.floor(rand() * b.length);
  const special = [0x00, 0xff, 0x7f, 0x80];
  for (let i = 0; i < 4 && at + i < b.length; i++) b[at + i] = special[Math.floor(rand() * special.length)];
  return b;
}

async function loadAll(path: string): Promise<void> {
  const src = await openCheckpoint(path);
  try {
    for (const k of src.keys()) await src.read(k);
  } finally {
    await src.close();
  }
}

async function fuzzFile(original: Uint8Array, ext: string, seed: number, rounds: number): Promise<number> {
  const rand = rng(seed);
  let failures = 0;
  for (let i = 0; i < rounds; i++) {
    const path = join(dir, `f${seed}-${i}${ext}`);
    writeFileSync(path, mutate(original, rand));
    try {
      await loadAll(path);
    } catch (e) {
      assert.ok(e instanceof CheckpointError, `round ${i}: ${(e as Error).stack}`);
      failures++;
    }
  }
  return failures;
}

describe('fuzz', () => {
  it('mutated torch zips load or fail with CheckpointError', async () => {
    let failed = 0;
    for (const name of ['views.pth', 'nested.pth', 'dtypes-deflate.pth']) {
      failed += await fuzzFile(readFileSync(fixture(name)), '.pth', name.length, 150);
    }
    assert.ok(failed > 100, `only ${failed} mutations were rejected`);
  });

  it('mutated safetensors load or fail with CheckpointError', async () => {
    const st = encodeSafetensors({
      a: HostTensor.f32([3, 4], new Float32Array(12).fill(0.5)),
      b: HostTensor.i64([2], [1, 2]),
    });
    assert.ok((await fuzzFile(st, '.safetensors', 7, 300)) > 100);
  });

  it('random bytes through the unpickler only ever raise CheckpointError', () => {
    const rand = rng(11);
    const data = readFileSync(fixture('nested.pth'));
    const start = data.indexOf(Buffer.from([0x80, 0x02]));
    const pkl = data.subarray(start, start + 700);
    for (let i = 0; i < 2000; i++) {
      const input =
        i % 2
          ? mutate(pkl, rand)
          : Uint8Array.from({ length: 1 + Math.floor(rand() * 64) }, () => Math.floor(rand() * 256));
      try {
        unpickle(input, { file: 'fuzz.pkl', ...torchUnpicklerHooks('fuzz.pkl') });
      } catch (e) {
        assert.ok(e instanceof CheckpointError, `input ${i}: ${(e as Error).stack}`);
      }
    }
  });
});
