import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { OrtNodeRuntime } from '../../src/engine/runtime/ort-node.js';
import { WanPipeline } from '../../src/pipelines/wan-pipeline.js';
import { type TinyModelKind, writeTinyModelFolder } from '../../src/testing/index.js';
import { tempDir } from './helpers.js';

const root = tempDir('tiny-pipeline');
const runtime = new OrtNodeRuntime();

// End to end on tiny folders: tokenizer → UMT5 → DiT(s) → VAE, in seconds.
const CASES: readonly [TinyModelKind, 'official' | 'diffusers'][] = [
  ['t2v-2.1', 'official'],
  ['ti2v-2.2', 'diffusers'],
  ['i2v-a14b', 'official'],
  ['i2v-2.1', 'official'],
  ['t2v-a14b', 'diffusers'],
];

describe('WanPipeline on tiny model folders', () => {
  for (const [kind, layout] of CASES) {
    it(`generates with ${kind} (${layout} layout)`, async () => {
      const tiny = await writeTinyModelFolder(join(root, `${kind}-${layout}`), { kind, layout, seed: 1 });
      const pipe = await WanPipeline.open(tiny.root, { runtime });
      const image =
        pipe.task === 'i2v' ? { width: 32, height: 32, data: new Uint8Array(32 * 32 * 3).fill(90) } : undefined;
      const r = await pipe.generate({
        prompt: 'a red fox in the snow',
        frames: 5,
        width: 32,
        height: 32,
        steps: 2,
        image,
      });
      assert.deepEqual(r.shape, [3, 5, 32, 32]);
      assert.ok(r.video.every(Number.isFinite), 'finite video');
      assert.equal(r.settings.steps, 2);
      if (kind === 'i2v-a14b') assert.equal(r.settings.boundary, 0.9);
    });
  }
});
