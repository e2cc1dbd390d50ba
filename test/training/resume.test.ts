// Checkpoint and resume: a run interrupted after step 7 and resumed from its step-5
// checkpoint ends with exactly the same bits (weights, AdamW moments, EMA, RNG,
// data cursor, loss log) as the uninterrupted run. Also the loss curve PNG.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { randomWeights } from '../../src/bench/random-weights.js';
import type { HostTensor } from '../../src/engine/host-tensor.js';
import { OrtNodeRuntime } from '../../src/engine/runtime/ort-node.js';
import { WanDiT } from '../../src/models/wan/dit/model.js';
import { latestCheckpoint, loadCheckpoint } from '../../src/training/checkpoint.js';
import type { DitExample } from '../../src/training/dit-flow.js';
import { DitFlowMatching } from '../../src/training/dit-flow.js';
import { readLossLog } from '../../src/training/loss-log.js';
import { arrayDataset, tinyDitConfig, toyDitData } from '../../src/training/toy.js';
import { type TrainOptions, train } from '../../src/training/train.js';
import { tempDir } from '../weights/tmp.js';

const rt = new OrtNodeRuntime();
const c = tinyDitConfig({ dim: 16, ffnDim: 32, numLayers: 2 });
const data = arrayDataset(
  toyDitData({ count: 5, grid: [1, 4, 4], channels: 4, textDim: 16, contextTokens: 2, seed: 2 }),
);
const init = randomWeights(WanDiT.declaredParams(c), 9);

function options(dir: string, model: DitFlowMatching): TrainOptions<DitExample> {
  return {
    model,
    params: init,
    data,
    steps: 12,
    batchSize: 2,
    gradAccum: 2,
    optimizer: { lr: 2e-3, weightDecay: 0.05, noDecay: ['**.bias'] },
    schedule: { warmupSteps: 3, decay: 'cosine', minLr: 1e-4 },
    clipGradNorm: 0.5,
    freeze: ['text_embedding.**'],
    ema: { decay: 0.9 },
    seed: 11,
    checkpoint: { dir: join(dir, 'ckpt'), every: 5 },
    log: join(dir, 'loss.jsonl'),
    plot: join(dir, 'loss.png'),
    config: { note: 'resume test' },
  };
}

function bytesOf(m: ReadonlyMap<string, HostTensor | Float32Array> | undefined): string[] {
  return [...(m ?? new Map<string, Float32Array>())]
    .map(([k, v]) => {
      const d = v instanceof Float32Array ? v : (v.data as Float32Array);
      return `${k}:${Buffer.from(d.buffer, d.byteOffset, d.byteLength).toString('base64')}`;
    })
    .sort();
}

test('a resumed run reproduces the uninterrupted run bit for bit', async () => {
  const dir = tempDir('resume');
  const a = join(dir, 'a');
  const b = join(dir, 'b');
  const m1 = new DitFlowMatching(c, { runtime: rt, checkpointing: true });
  const m2 = new DitFlowMatching(c, { runtime: rt, checkpointing: true });
  const m3 = new DitFlowMatching(c, { runtime: rt, checkpointing: true });
  try {
    const full = await train(options(a, m1));
    assert.equal(full.step, 12);

    const ac = new AbortController();
    await assert.rejects(
      train({
        ...options(b, m2),
        signal: ac.signal,
        onStep: (i) => {
          if (i.step === 7) ac.abort('simulated interruption');
        },
      }),
      /cancelled/,
    );
    assert.match((await latestCheckpoint(join(b, 'ckpt'))) ?? '', /step-00000005/);
    const resumed = await train({ ...options(b, m3), resume: true });
    assert.equal(resumed.resumedFrom, 5);
    assert.equal(resumed.step, 12);

    const fa = await loadCheckpoint((await latestCheckpoint(join(a, 'ckpt'))) as string);
    const fb = await loadCheckpoint((await latestCheckpoint(join(b, 'ckpt'))) as string);
    assert.equal(fa.state.step, 12);
    assert.deepEqual(bytesOf(fb.state.params), bytesOf(fa.state.params), 'weights');
    assert.deepEqual(bytesOf(fb.state.m), bytesOf(fa.state.m), 'first moments');
    assert.deepEqual(bytesOf(fb.state.v), bytesOf(fa.state.v), 'second moments');
    assert.deepEqual(bytesOf(fb.state.ema), bytesOf(fa.state.ema), 'EMA');
    assert.deepEqual(fb.meta.rng, fa.meta.rng);
    assert.deepEqual(fb.meta.cursor, fa.meta.cursor);
    assert.deepEqual(fa.meta.config, { note: 'resume test' });
    assert.ok(!fa.meta.trainable.some((n) => n.startsWith('text_embedding.')), 'frozen parameters are not trainable');
    assert.deepEqual(bytesOf(full.params), bytesOf(resumed.params));
    // frozen parameters never moved
    for (const [k, t] of init) {
      if (k.startsWith('text_embedding.')) assert.deepEqual(fa.state.params.get(k)?.data, t.data, k);
    }

    const strip = (l: { step: number; loss: number; lr: number; gradNorm: number }[]) =>
      l.map((e) => ({ step: e.step, loss: e.loss, lr: e.lr, gradNorm: e.gradNorm }));
    const la = await readLossLog(join(a, 'loss.jsonl'));
    const lb = await readLossLog(join(b, 'loss.jsonl'));
    assert.equal(la.length, 12);
    assert.deepEqual(strip(lb), strip(la), 'loss logs match (step, loss, lr, grad norm)');
  } finally {
    await m1.dispose();
    await m2.dispose();
    await m3.dispose();
  }

  const png = readFileSync(join(a, 'loss.png'));
  const img = sharp(png);
  const meta = await img.metadata();
  assert.equal(meta.width, 640);
  assert.equal(meta.height, 400);
  const { data: px } = await img.raw().toBuffer({ resolveWithObject: true });
  let ink = 0;
  for (let i = 0; i < px.length; i += 4) if (px[i] < 100 && px[i + 2] > 120) ink++;
  assert.ok(ink > 50, `the loss curve is drawn (${ink} curve pixels)`);
});
