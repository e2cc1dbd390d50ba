import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { bf16ToF32, f16ToF32 } from '../../src/engine/dtype.js';
import { InputError } from '../../src/engine/errors.js';
import { HostTensor } from '../../src/engine/host-tensor.js';
import { openCheckpoint } from '../../src/engine/weights/index.js';
import { castFloat, writeSafetensorsFiles } from '../../src/testing/index.js';
import { sameTensor, tempDir } from './helpers.js';

const dir = tempDir('write-weights');

function tensors(sizes: readonly number[]): Map<string, HostTensor> {
  return new Map(
    sizes.map((n, i) => [
      `t${i}`,
      HostTensor.f32(
        [n],
        Float32Array.from({ length: n }, (_, j) => i * 1000 + j),
      ),
    ]),
  );
}

describe('writeSafetensorsFiles', () => {
  it('writes one file without an index by default', async () => {
    const files = await writeSafetensorsFiles(dir, 'single', tensors([3, 4]));
    assert.deepEqual(files, ['single.safetensors']);
  });

  it('shards by size, never leaving a shard empty, with a readable index', async () => {
    const sub = join(dir, 'sharded');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(sub);
    // One huge tensor first: a purely size-based split would leave shard 2 empty.
    const want = tensors([1000, 1, 1, 1]);
    const files = await writeSafetensorsFiles(sub, 'model', want, { shards: 3 });
    assert.deepEqual(files, [
      'model-00001-of-00003.safetensors',
      'model-00002-of-00003.safetensors',
      'model-00003-of-00003.safetensors',
      'model.safetensors.index.json',
    ]);
    assert.deepEqual(readdirSync(sub).sort(), [...files].sort());
    const index = JSON.parse(readFileSync(join(sub, 'model.safetensors.index.json'), 'utf8'));
    assert.equal(index.metadata.total_size, 1003 * 4);
    assert.equal(new Set(Object.values(index.weight_map)).size, 3);
    await using src = await openCheckpoint(join(sub, 'model.safetensors.index.json'));
    assert.deepEqual(src.keys().sort(), [...want.keys()].sort());
    for (const [k, t] of want) assert.ok(sameTensor(await src.read(k), t), k);
  });

  it('refuses more shards than tensors', async () => {
    await assert.rejects(writeSafetensorsFiles(dir, 'x', tensors([1]), { shards: 2 }), InputError);
  });
});

describe('castFloat', () => {
  it('rounds to nearest even like torch', () => {
    const t = HostTensor.f32([3], [1, 1 + 2 ** -8, 1 + 3 * 2 ** -8]);
    const bf = castFloat(t, 'bfloat16');
    assert.equal(bf.dtype, 'bfloat16');
    assert.deepEqual([...(bf.data as Uint16Array)].map(bf16ToF32), [1, 1, 1 + 2 ** -6]);
    const h = castFloat(HostTensor.f32([2], [1 / 3, 70000]), 'float16');
    assert.deepEqual([...(h.data as Uint16Array)].map(f16ToF32), [0.333251953125, Number.POSITIVE_INFINITY]);
    assert.equal(castFloat(t, 'float32'), t);
  });
});
