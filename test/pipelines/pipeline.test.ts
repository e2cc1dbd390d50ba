import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CancelledError, InputError } from '../../src/engine/errors.js';
import { OrtNodeRuntime } from '../../src/engine/runtime/ort-node.js';
import { WanPipeline } from '../../src/pipelines/wan-pipeline.js';
import { writeTinyModelFolder } from '../../src/testing/index.js';

const root = mkdtempSync(join(tmpdir(), 'wanjs-pipeline-'));
const runtime = new OrtNodeRuntime();
let t2v = '';
let i2v = '';
let ti2v = '';

describe('WanPipeline', () => {
  before(async () => {
    t2v = (await writeTinyModelFolder(join(root, 't2v'), { kind: 't2v-2.1', layout: 'official', seed: 5 })).root;
    i2v = (await writeTinyModelFolder(join(root, 'i2v'), { kind: 'i2v-a14b', layout: 'official', seed: 6 })).root;
    ti2v = (await writeTinyModelFolder(join(root, 'ti2v'), { kind: 'ti2v-2.2', layout: 'official', seed: 7 })).root;
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  const small = { frames: 5, width: 32, height: 32, steps: 3 } as const;

  it('same seed gives bit-identical videos; another seed differs', async () => {
    const pipe = await WanPipeline.open(t2v, { runtime });
    const a = await pipe.generate({ prompt: 'a blue square', seed: 11, ...small });
    const b = await pipe.generate({ prompt: 'a blue square', seed: 11, ...small });
    const c = await pipe.generate({ prompt: 'a blue square', seed: 12, ...small });
    assert.deepEqual(a.video, b.video);
    assert.notDeepEqual(a.video, c.video);
    assert.equal(a.settings.noise, 'philox4x32-10 + box-muller, float32');
    await pipe.dispose();
  });

  it("precision 'int8' runs the DiT in int8: close to float32, not identical", async () => {
    const f32 = await WanPipeline.open(t2v, { runtime });
    const q8 = await WanPipeline.open(t2v, { runtime, precision: 'int8' });
    try {
      const a = await f32.generate({ prompt: 'a blue square', seed: 3, ...small });
      const b = await q8.generate({ prompt: 'a blue square', seed: 3, ...small });
      let maxD = 0;
      for (let i = 0; i < a.video.length; i++) maxD = Math.max(maxD, Math.abs(a.video[i] - b.video[i]));
      assert.ok(maxD > 0, 'int8 changes the arithmetic');
      assert.ok(maxD < 0.25, `int8 video differs from float32 by ${maxD} (pixels in [-1, 1])`);
    } finally {
      await f32.dispose();
      await q8.dispose();
    }
  });

  it('cancels between steps with CancelledError, and the pipeline stays usable', async () => {
    const pipe = await WanPipeline.open(t2v, { runtime });
    const ctl = new AbortController();
    let steps = 0;
    await assert.rejects(
      pipe.generate(
        { prompt: 'a green triangle', ...small, steps: 6 },
        {
          signal: ctl.signal,
          onProgress: (e) => {
            if (e.phase === 'denoising' && (e.step ?? 0) >= 2) {
              steps = e.step ?? 0;
              ctl.abort();
            }
          },
        },
      ),
      CancelledError,
    );
    assert.ok(steps >= 2 && steps < 6, `stopped after step ${steps}`);
    const r = await pipe.generate({ prompt: 'a green triangle', ...small });
    assert.equal(r.shape[1], 5);
    await pipe.dispose();
  });

  it("TI2V two-pass text-to-video keeps the first pass's first frame and resamples the rest from it", async () => {
    const pipe = await WanPipeline.open(ti2v, { runtime, memory: 'resident' });
    try {
      const req = { prompt: 'a red circle moving right', seed: 4, frames: 9, width: 32, height: 32, steps: 3 };
      const one = await pipe.generate(req);
      const totals = new Set<number>();
      const two = await pipe.generate(
        { ...req, firstFrameFirst: true },
        { onProgress: (e) => e.phase === 'denoising' && e.total && totals.add(e.total) },
      );
      assert.equal(one.settings.firstFrameFirst, false);
      assert.equal(two.settings.firstFrameFirst, true);
      assert.deepEqual([...totals], [6], 'progress counts both passes');
      // The causal VAE decodes frame 0 from latent frame 0 alone, and the second pass holds that latent fixed.
      const frame = 32 * 32;
      const plane = (v: Float32Array, ch: number, f: number) =>
        v.subarray((ch * 9 + f) * frame, (ch * 9 + f + 1) * frame);
      for (let ch = 0; ch < 3; ch++) assert.deepEqual(plane(two.video, ch, 0), plane(one.video, ch, 0));
      assert.notDeepEqual(plane(two.video, 0, 8), plane(one.video, 0, 8), 'the later frames are sampled again');
      // Not a TI2V model: the option does nothing.
      const t = await WanPipeline.open(t2v, { runtime });
      const r = await t.generate({ prompt: 'x', ...small, firstFrameFirst: true });
      assert.equal(r.settings.firstFrameFirst, false);
      await t.dispose();
    } finally {
      await pipe.dispose();
    }
  });

  it('checks the task: image-to-video needs an image, text-to-video refuses one', async () => {
    const pi = await WanPipeline.open(i2v, { runtime });
    await assert.rejects(
      pi.generate({ prompt: 'x', ...small }),
      (e: unknown) => e instanceof InputError && /give a first frame/.test(e.message),
    );
    const pt = await WanPipeline.open(t2v, { runtime });
    await assert.rejects(
      pt.generate({ prompt: 'x', ...small, image: { width: 32, height: 32, data: new Uint8Array(32 * 32 * 3) } }),
      /cannot take an image/,
    );
  });

  it('reports an unreadable image by name', async () => {
    const bad = join(root, 'not-an-image.png');
    writeFileSync(bad, 'hello');
    const pi = await WanPipeline.open(i2v, { runtime });
    await assert.rejects(pi.generate({ prompt: 'x', ...small, image: bad }), /not-an-image\.png/);
  });

  it('validates numbers with the field name', async () => {
    const pipe = await WanPipeline.open(t2v, { runtime });
    await assert.rejects(pipe.generate({ prompt: 'x', ...small, frames: 6 }), /frames must be 4n\+1/);
    await assert.rejects(pipe.generate({ prompt: 'x', ...small, width: 33 }), /multiple of 16/);
    await assert.rejects(pipe.generate({ prompt: 'x', ...small, seed: -1 }), /seed must be a non-negative integer/);
    await assert.rejects(pipe.generate({ prompt: 'x', ...small, steps: 0 }), /steps must be a positive integer/);
    await assert.rejects(pipe.generate({ prompt: '  ', ...small }), /prompt must be a non-empty string/);
    await assert.rejects(pipe.generate({ prompt: 'x', ...small, shift: 0 }), /shift must be a positive number/);
    const notBool = { firstFrameFirst: 'yes' } as unknown as { firstFrameFirst: boolean };
    await assert.rejects(pipe.generate({ prompt: 'x', ...small, ...notBool }), /firstFrameFirst must be true or false/);
  });
});
