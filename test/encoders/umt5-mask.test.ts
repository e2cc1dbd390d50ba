import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../../src/engine/errors.js';
import { HostTensor } from '../../src/engine/host-tensor.js';
import { Program } from '../../src/engine/program.js';
import type { Umt5Config } from '../../src/models/wan/umt5/config.js';
import { FLOAT32_MIN, keyDroppedFromMask, maskedBias } from '../../src/models/wan/umt5/graph.js';
import { Umt5Encoder, type Umt5Execution } from '../../src/models/wan/umt5/model.js';
import { runtime } from './helpers.js';
import { referenceUmt5 } from './umt5-reference.js';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function randomWeights(c: Umt5Config, seed: number): Map<string, HostTensor> {
  const rnd = lcg(seed);
  const out = new Map<string, HostTensor>();
  for (const [name, shape] of Umt5Encoder.declaredParams(c)) {
    const n = shape.reduce((a, b) => a * b, 1);
    const isNorm = name.endsWith('norm1.weight') || name.endsWith('norm2.weight') || name === 'norm.weight';
    const scale = name.includes('pos_embedding') ? 2 : isNorm ? 0.2 : 1 / Math.sqrt(shape[shape.length - 1]);
    const data = Float32Array.from({ length: n }, () => (isNorm ? 1 : 0) + (rnd() * 2 - 1) * scale * 1.7);
    out.set(name, HostTensor.f32(shape, data));
  }
  return out;
}

const BASE: Umt5Config = {
  vocab: 20,
  dim: 8,
  dimAttn: 12,
  dimFfn: 10,
  numHeads: 3,
  numLayers: 2,
  numBuckets: 8,
  sharedPos: false,
  maxDistance: 128,
  eps: 1e-6,
};

const L = 10;
// A prompt, a mask with holes (not a prefix), and a mask with no real token at all.
const MASKS = [
  [1, 1, 1, 1, 0, 0, 0, 0, 0, 0],
  [1, 1, 0, 1, 1, 0, 1, 0, 0, 0],
  [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
];

function batch(seed: number): { ids: number[]; mask: number[] } {
  const rnd = lcg(seed);
  const ids = MASKS.flatMap((m) => m.map(() => Math.floor(rnd() * BASE.vocab)));
  return { ids, mask: MASKS.flat() };
}

const i64 = (v: readonly number[]) => HostTensor.i64([MASKS.length, L], v);

for (const sharedPos of [false, true]) {
  for (const execution of ['whole', 'layered'] as Umt5Execution[]) {
    test(`masking matches a float64 transcription of T5Encoder (shared_pos=${sharedPos}, ${execution})`, async () => {
      const c = { ...BASE, sharedPos };
      const weights = randomWeights(c, sharedPos ? 7 : 3);
      const { ids, mask } = batch(11);
      const program = new Program(runtime, { device: 'cpu', threads: 2 });
      try {
        const enc = new Umt5Encoder(c, weights, program, { execution });
        const res = await enc.encode(i64(ids), i64(mask));
        const ref = referenceUmt5(c, weights, ids, mask, MASKS.length);
        let maxErr = 0;
        res.hidden.data.forEach((v, i) => {
          maxErr = Math.max(maxErr, Math.abs(v - ref[i]) / (1 + Math.abs(ref[i])));
        });
        assert.ok(maxErr < 2e-5, `max error ${maxErr}`);
        assert.deepEqual(res.lengths, [4, 5, 0]);
        assert.deepEqual(
          res.contexts.map((t) => t.shape),
          [
            [4, 8],
            [5, 8],
            [0, 8],
          ],
        );
      } finally {
        await program.dispose();
      }
    });
  }
}

test('ids at masked positions never reach real tokens; trimming keeps the contexts', async () => {
  const weights = randomWeights(BASE, 5);
  const { ids, mask } = batch(13);
  const other = ids.map((v, i) => (mask[i] ? v : (v + 7) % BASE.vocab));
  const program = new Program(runtime, { device: 'cpu', threads: 2 });
  try {
    const enc = new Umt5Encoder(BASE, weights, program);
    const a = await enc.encode(i64(ids), i64(mask));
    const b = await enc.encode(i64(other), i64(mask));
    // Real positions (mask 1) of every row are unchanged, whatever sits in the padding.
    mask.forEach((m, pos) => {
      if (!m) return;
      for (let k = 0; k < BASE.dim; k++) {
        const d = Math.abs(a.hidden.data[pos * BASE.dim + k] - b.hidden.data[pos * BASE.dim + k]);
        assert.ok(d < 1e-6, `position ${pos} changed by ${d}`);
      }
    });
    // Padded positions themselves attend to the real keys, so their states do change.
    assert.notEqual(a.hidden.data[5 * BASE.dim], b.hidden.data[5 * BASE.dim]);
    // As upstream, a context is hidden[b, :Σmask]: with holes it includes masked positions.
    assert.deepEqual(a.contexts[1].data, a.hidden.data.slice(L * BASE.dim, (L + 5) * BASE.dim));

    // Only the first (prefix) row alone can be trimmed; a batch with holes runs full length.
    const one = await enc.encode(HostTensor.i64([1, L], ids.slice(0, L)), HostTensor.i64([1, L], mask.slice(0, L)), {
      trimPadding: true,
    });
    assert.deepEqual(one.hidden.shape, [1, 4, BASE.dim]);
    const d = one.contexts[0].data.reduce((m, v, k) => Math.max(m, Math.abs(v - a.contexts[0].data[k])), 0);
    assert.ok(d < 1e-5, `trimmed context differs by ${d}`);
    const holes = await enc.encode(i64(ids), i64(mask), { trimPadding: true });
    assert.deepEqual(holes.hidden.shape, [3, L, BASE.dim]);
  } finally {
    await program.dispose();
  }
});

test('a masked key gets exactly float32 min as its bias (replaced, not added)', async () => {
  const program = new Program(runtime, { device: 'cpu' });
  try {
    const pos = HostTensor.f32(
      [1, 2, 3, 3],
      Array.from({ length: 18 }, (_, i) => i - 9),
    );
    const res = await program.run(
      'mask',
      (gg) => {
        const b = gg.input('bias', 'float32', [1, 2, 3, 3]);
        const m = gg.input('mask', 'int64', [2, 3]);
        gg.output('out', maskedBias(b, keyDroppedFromMask(m)));
      },
      { bias: pos, mask: HostTensor.i64([2, 3], [1, 0, 1, 0, 0, 5]) },
      new Map(),
    );
    const out = res.out;
    assert.deepEqual(out.shape, [2, 2, 3, 3]);
    const data = out.data as Float32Array;
    for (let b = 0; b < 2; b++)
      for (let h = 0; h < 2; h++)
        for (let i = 0; i < 3; i++)
          for (let j = 0; j < 3; j++) {
            const keep = [
              [1, 0, 1],
              [0, 0, 5],
            ][b][j];
            const v = data[((b * 2 + h) * 3 + i) * 3 + j];
            assert.equal(v, keep === 0 ? Math.fround(FLOAT32_MIN) : pos.data[(h * 3 + i) * 3 + j]);
          }
    assert.equal(Math.fround(FLOAT32_MIN), -3.4028234663852886e38);
  } finally {
    await program.dispose();
  }
});

test('encode rejects ids outside the vocabulary and mismatched masks', async () => {
  const program = new Program(runtime, { device: 'cpu' });
  try {
    const enc = new Umt5Encoder(BASE, randomWeights(BASE, 1), program);
    await assert.rejects(
      enc.encode(HostTensor.i64([1, 3], [1, 20, 0]), HostTensor.i64([1, 3], [1, 1, 0])),
      (e: unknown) => e instanceof InputError && /ids\[0, 1\] = 20/.test(e.message),
    );
    await assert.rejects(
      enc.encode(HostTensor.i64([1, 3], [1, 2, 0]), HostTensor.i64([1, 2], [1, 1])),
      (e: unknown) => e instanceof InputError && /mask \[1, 2\] does not match ids \[1, 3\]/.test(e.message),
    );
    assert.throws(() => new Umt5Encoder({ ...BASE, dim: 9 }, randomWeights(BASE, 1), program), /weights do not match/);
  } finally {
    await program.dispose();
  }
});
