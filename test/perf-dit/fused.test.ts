// The fused (default) and int8 (opt-in) DiT graphs against the primitive graph,
// at tiny random configurations that reach every branch: padding with unequal
// grids in one batch, per-token timesteps, the Wan2.1 image branch.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { NormalStream, randomWeights } from '../../src/bench/random-weights.js';
import { HostTensor } from '../../src/engine/host-tensor.js';
import { Program } from '../../src/engine/program.js';
import { quantizeLinearInt8 } from '../../src/engine/rewrite/int8-weights.js';
import { OrtNodeRuntime } from '../../src/engine/runtime/ort-node.js';
import { CLIP_DIM, type WanDitConfig } from '../../src/models/wan/dit/config.js';
import { type DitSample, WanDiT } from '../../src/models/wan/dit/model.js';

const runtime = new OrtNodeRuntime();
const programs: Program[] = [];
after(async () => {
  for (const p of programs) await p.dispose();
});

const TINY = {
  patchSize: [1, 2, 2] as const,
  freqDim: 32,
  textDim: 24,
  dim: 48,
  ffnDim: 96,
  numHeads: 4,
  numLayers: 2,
  qkNorm: true,
  crossAttnNorm: true,
  eps: 1e-6,
};

function randn(rng: NormalStream, shape: readonly number[]): HostTensor<'float32'> {
  const n = shape.reduce((a, b) => a * b, 1);
  return HostTensor.f32(
    shape,
    Float32Array.from({ length: n }, () => rng.normal()),
  );
}

function model(c: WanDitConfig): WanDiT {
  const program = new Program(runtime, { device: 'cpu', threads: 1, maxSessions: 4 });
  programs.push(program);
  return new WanDiT(c, randomWeights(WanDiT.declaredParams(c), 7), program);
}

/** max |a − b| over max |b|. */
function relMax(a: HostTensor, b: HostTensor): number {
  assert.deepEqual(a.shape, b.shape);
  const x = a.data as Float32Array;
  const y = b.data as Float32Array;
  let d = 0;
  let m = 0;
  for (let i = 0; i < x.length; i++) {
    d = Math.max(d, Math.abs(x[i] - y[i]));
    m = Math.max(m, Math.abs(y[i]));
  }
  return d / m;
}

async function compareFusedToPrimitive(c: WanDitConfig, samples: DitSample[], seqLen?: number): Promise<void> {
  const dit = model(c);
  const prim = await dit.forward(samples, { seqLen, taps: true, fused: false });
  const fused = await dit.forward(samples, { seqLen, taps: true });
  assert.equal(fused.outputs.length, samples.length);
  fused.outputs.forEach((o, i) => {
    assert.ok(relMax(o, prim.outputs[i]) < 1e-5, `out${i}: ${relMax(o, prim.outputs[i])}`);
  });
  assert.deepEqual(Object.keys(fused.taps).sort(), Object.keys(prim.taps).sort());
  for (const [k, v] of Object.entries(fused.taps))
    assert.ok(relMax(v, prim.taps[k]) < 1e-5, `${k}: ${relMax(v, prim.taps[k])}`);
}

test('fused = primitive: Wan2.1 t2v, batch of two unequal grids padded to one seq_len', async () => {
  const c: WanDitConfig = { ...TINY, version: '2.1', modelType: 't2v', textLen: 12, inDim: 4, outDim: 4 };
  const rng = new NormalStream(1);
  const samples: DitSample[] = [
    { x: randn(rng, [4, 3, 6, 8]), context: randn(rng, [5, c.textDim]), t: 900 },
    { x: randn(rng, [4, 2, 4, 6]), context: randn(rng, [12, c.textDim]), t: 350 },
  ];
  await compareFusedToPrimitive(c, samples, 40);
});

test('fused = primitive: Wan2.2 ti2v with per-token timesteps', async () => {
  const c: WanDitConfig = { ...TINY, version: '2.2', modelType: 'ti2v', textLen: 10, inDim: 6, outDim: 6 };
  const rng = new NormalStream(2);
  const t = Array.from({ length: 2 * 2 * 3 }, (_, i) => (i < 6 ? 0 : 700));
  await compareFusedToPrimitive(c, [{ x: randn(rng, [6, 2, 4, 6]), context: randn(rng, [7, c.textDim]), t }]);
});

test('fused = primitive: Wan2.1 i2v with the CLIP image branch', async () => {
  const c: WanDitConfig = { ...TINY, version: '2.1', modelType: 'i2v', textLen: 512, inDim: 8, outDim: 4 };
  const rng = new NormalStream(3);
  const sample: DitSample = {
    x: randn(rng, [8, 2, 4, 4]),
    context: randn(rng, [9, c.textDim]),
    clipFea: randn(rng, [5, CLIP_DIM]),
    t: 500,
  };
  await compareFusedToPrimitive(c, [sample]);
});

test('int8 weights: per-output-channel symmetric, transposed, error within half a step', () => {
  const rng = new NormalStream(4);
  const w = randn(rng, [5, 7]);
  const { q, scale } = quantizeLinearInt8('w', w, 127);
  assert.deepEqual(q.shape, [7, 5]);
  assert.deepEqual(scale.shape, [5]);
  for (let o = 0; o < 5; o++) {
    let peak = 0;
    for (let i = 0; i < 7; i++) {
      const v = q.data[i * 5 + o];
      peak = Math.max(peak, Math.abs(v));
      assert.ok(Math.abs(v * scale.data[o] - w.data[o * 7 + i]) <= scale.data[o] / 2 + 1e-7);
    }
    assert.equal(peak, 127);
  }
});

test('int8 (opt-in) stays close to float32 and keeps every tap', async () => {
  const c: WanDitConfig = { ...TINY, version: '2.1', modelType: 't2v', textLen: 12, inDim: 4, outDim: 4 };
  const rng = new NormalStream(5);
  const sample: DitSample = { x: randn(rng, [4, 3, 6, 8]), context: randn(rng, [6, c.textDim]), t: 600 };
  const dit = model(c);
  const ref = await dit.forward([sample], { taps: true });
  const q8 = await dit.forward([sample], { taps: true, int8: true });
  assert.deepEqual(Object.keys(q8.taps).sort(), Object.keys(ref.taps).sort());
  const err = relMax(q8.outputs[0], ref.outputs[0]);
  assert.ok(err > 0 && err < 0.05, `int8 relative error ${err}`);
});
