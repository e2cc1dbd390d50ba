import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CheckpointError } from '../../src/engine/errors.js';
import { HostTensor } from '../../src/engine/host-tensor.js';
import { encodeSafetensors, openCheckpoint, ShardedCheckpoint } from '../../src/engine/weights/index.js';
import { fixture } from './fixtures.js';
import { tempDir } from './tmp.js';

const root = tempDir('shard');
let n = 0;

/** A folder with two safetensors shards and an index written from `weightMap`. */
function layout(weightMap: Record<string, string> | string, shards = true): string {
  const dir = join(root, `c${n++}`);
  mkdirSync(dir);
  if (shards) {
    writeFileSync(
      join(dir, 'm-00001-of-00002.safetensors'),
      encodeSafetensors({ a: HostTensor.f32([2], [1, 2]), b: HostTensor.f32([1], [3]) }),
    );
    writeFileSync(join(dir, 'm-00002-of-00002.safetensors'), encodeSafetensors({ c: HostTensor.i64([3], [4, 5, 6]) }));
  }
  const path = join(dir, 'm.safetensors.index.json');
  const text =
    typeof weightMap === 'string' ? weightMap : JSON.stringify({ metadata: { total_size: 36 }, weight_map: weightMap });
  writeFileSync(path, text);
  return path;
}

const S1 = 'm-00001-of-00002.safetensors';
const S2 = 'm-00002-of-00002.safetensors';

async function rejects(path: string, problem: RegExp): Promise<void> {
  await assert.rejects(openCheckpoint(path), (e: unknown) => {
    assert.ok(e instanceof CheckpointError, String(e));
    assert.ok(e.message.startsWith(`${path}: `), e.message);
    assert.match(e.message, problem);
    return true;
  });
}

describe('sharded checkpoints', () => {
  it('present all shards as one source keyed by weight_map', async () => {
    await using src = await openCheckpoint(layout({ a: S1, b: S1, c: S2 }));
    assert.equal(src.format, 'sharded');
    assert.deepEqual(src.keys(), ['a', 'b', 'c']);
    assert.deepEqual(src.info('c'), { dtype: 'int64', shape: [3], byteLength: 24 });
    assert.deepEqual(Array.from((await src.read('a')).data as Float32Array), [1, 2]);
    assert.deepEqual(Array.from((await src.read('c')).data as BigInt64Array), [4n, 5n, 6n]);
    assert.ok(src.has('b') && !src.has('z'));
    assert.throws(() => src.info('z'), /no tensor named 'z'/);
    assert.ok(src instanceof ShardedCheckpoint && src.index.metadata.total_size === 36);
  });

  it('only exposes keys listed in weight_map', async () => {
    await using src = await openCheckpoint(layout({ a: S1, c: S2 }));
    assert.deepEqual(src.keys(), ['a', 'c']);
    assert.equal(src.has('b'), false);
  });

  it('names every missing shard', () =>
    rejects(
      layout({ a: 'gone-1.safetensors', b: 'gone-2.safetensors', c: S2 }),
      /2 of 3 shard files are missing: gone-1\.safetensors, gone-2\.safetensors/,
    ));

  it('names every key that is not in its shard', () =>
    rejects(
      layout({ a: S2, b: S1, x: S1, c: S2 }),
      /2 tensors of weight_map are not in their shard: 'a' \(m-00002-of-00002\.safetensors\), 'x' \(m-00001-of-00002\.safetensors\)/,
    ));

  it('refuses malformed indexes and shard paths leaving the folder', async () => {
    await rejects(layout('{"weight_map": '), /index is not valid JSON/);
    await rejects(layout('{"metadata": {}}'), /no "weight_map" object/);
    await rejects(layout({ a: 5 } as unknown as Record<string, string>), /weight_map\['a'\] must be a shard file name/);
    await rejects(layout({ a: '../m-00001-of-00002.safetensors' }), /points outside the checkpoint folder/);
    await rejects(layout({ a: '/etc/passwd' }), /points outside the checkpoint folder/);
    await rejects(join(root, 'none.safetensors.index.json'), /cannot read index/);
  });

  it('reports a broken shard by its own path', async () => {
    const path = layout({ a: S1, c: S2 });
    writeFileSync(join(path, '..', S2), 'garbage!!');
    await assert.rejects(openCheckpoint(path), (e: unknown) => e instanceof CheckpointError && e.file.endsWith(S2));
  });

  it('accepts torch zip shards (pytorch_model.bin.index.json)', async () => {
    const dir = join(root, 'bin');
    mkdirSync(dir);
    copyFileSync(fixture('nested.pth'), join(dir, 'pytorch_model-00001-of-00001.bin'));
    const path = join(dir, 'pytorch_model.bin.index.json');
    writeFileSync(path, JSON.stringify({ weight_map: { 'model.0.weight': 'pytorch_model-00001-of-00001.bin' } }));
    await using src = await openCheckpoint(path);
    assert.deepEqual((await src.read('model.0.weight')).shape, [2, 3]);
  });
});
