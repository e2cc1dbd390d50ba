// The built-in VAE's training graph and latent folding:
// * the whole-clip training graph (chunks unrolled, caches wired inside one graph)
//   computes exactly what the chunked inference runner computes;
// * folding our latent statistics into conv1/conv2 is exact: with the official
//   Wan2.1 constants the folded VAE encodes to (mu − m)/s and decodes the same video;
// * image batches through the first-chunk path are independent frames while the
//   temporal history taps are zero, and `zeroHistoryGrads` keeps them zero.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initParams } from '../../src/builtin/init.js';
import { foldLatentNorm, latentStats } from '../../src/builtin/vae-fold.js';
import {
  decodeClipGraph,
  decodeImagesGraph,
  encodeClipGraph,
  encodeImagesGraph,
  splitMoments,
} from '../../src/builtin/vae-graph.js';
import { initVaeParams } from '../../src/builtin/vae-init.js';
import { zeroHistoryGrads } from '../../src/builtin/vae-train.js';
import { encodeGraph } from '../../src/engine/graph/encode-onnx.js';
import { Graph } from '../../src/engine/graph/graph.js';
import { HostTensor } from '../../src/engine/host-tensor.js';
import { Program } from '../../src/engine/program.js';
import { OrtNodeRuntime } from '../../src/engine/runtime/ort-node.js';
import { vaeConfigFromJson, WAN21_VAE } from '../../src/models/wan/vae/config.js';
import { WanVae } from '../../src/models/wan/vae/model.js';
import { TrainRng } from '../../src/training/rng.js';
import { createRng, renderClip, sampleScene } from '../../src/world/index.js';
import { maxAbs, maxDiff } from './helpers.js';

const rt = new OrtNodeRuntime();
const z = 16;
const raw = vaeConfigFromJson(
  { dim: 4, z_dim: z, latents_mean: new Array(z).fill(0), latents_std: new Array(z).fill(1) },
  '2.1',
);
const [F, H, W] = [9, 16, 16];

function clip(seed: string): HostTensor<'float32'> {
  const c = renderClip(sampleScene(createRng(seed), { objects: 1 }), { frames: F, width: W, height: H });
  return HostTensor.f32([3, F, H, W], c.data);
}

async function runGraph(
  build: (g: Graph) => void,
  feeds: Record<string, HostTensor>,
  weights: ReadonlyMap<string, HostTensor>,
) {
  const g = new Graph();
  build(g);
  const s = await rt.createSession(encodeGraph(g), { device: 'cpu', threads: 1 });
  const f: Record<string, HostTensor> = { ...feeds };
  for (const p of g.params) f[p.name] = weights.get(p.name) as HostTensor;
  return s.run(f);
}

test('the unrolled training graph equals the chunked runner (encode moments and decode)', async () => {
  const weights = initParams(WanVae.declaredParams(raw), 3);
  const vae = new WanVae(raw, weights, new Program(rt, { device: 'cpu', threads: 1, maxSessions: 8 }));
  const x = clip('builtin-vae-a');
  const ref = await vae.encodeDetailed(x);
  const moments = (
    await runGraph(
      (g) => g.output('m', encodeClipGraph(g, raw, g.input('x', 'float32', [1, 3, F, H, W]))),
      { x: x.reshape([1, 3, F, H, W]) },
      weights,
    )
  ).m;
  assert.deepEqual(moments.shape, ref.moments?.shape);
  assert.ok(maxDiff(moments.data as Float32Array, (ref.moments as HostTensor).data as Float32Array) < 1e-5);
  const video = await vae.decode(ref.latent, { raw: true });
  const lat = ref.latent.reshape([1, ...ref.latent.shape]);
  const dec = (
    await runGraph(
      (g) => g.output('v', decodeClipGraph(g, raw, g.input('z', 'float32', lat.shape))),
      { z: lat },
      weights,
    )
  ).v;
  assert.deepEqual(dec.shape, [1, ...video.shape]);
  assert.ok(maxDiff(dec.data as Float32Array, video.data) < 1e-5);
});

test('folding the latent statistics is exact: (mu − m)/s with the official constants, same decoded video', async () => {
  const weights = initParams(WanVae.declaredParams(raw), 4);
  // One program per VAE: compiled chunk graphs bake in the latent constants.
  const before = new WanVae(raw, weights, new Program(rt, { device: 'cpu', threads: 1, maxSessions: 8 }));
  const clips = [clip('builtin-vae-b'), clip('builtin-vae-c')];
  const lats = await Promise.all(clips.map((c) => before.encode(c)));
  const own = latentStats(
    lats.map((l) => l.data),
    z,
  );
  const official = vaeConfigFromJson({ dim: 4, z_dim: z }, '2.1');
  assert.deepEqual(official.latentsMean, WAN21_VAE.latentsMean);
  const folded = foldLatentNorm(weights, own, { mean: WAN21_VAE.latentsMean, std: WAN21_VAE.latentsStd });
  const after = new WanVae(official, folded, new Program(rt, { device: 'cpu', threads: 1, maxSessions: 8 }));
  for (let k = 0; k < clips.length; k++) {
    const got = await after.encode(clips[k]);
    const per = got.size / z;
    const want = Float32Array.from(
      lats[k].data,
      (v, i) => (v - own.mean[Math.floor(i / per)]) / own.std[Math.floor(i / per)],
    );
    assert.ok(maxDiff(got.data, want) < 2e-5 * Math.max(1, maxAbs(want)), `latent ${k}: ${maxDiff(got.data, want)}`);
    const v0 = await before.decode(lats[k], { raw: true });
    const v1 = await after.decode(got, { raw: true });
    assert.ok(maxDiff(v0.data, v1.data) < 1e-4, `video ${k}: ${maxDiff(v0.data, v1.data)}`);
  }
  // the folded latents of the data set are standardised
  const all = await Promise.all(clips.map((c) => after.encode(c)));
  const s = latentStats(
    all.map((l) => l.data),
    z,
  );
  for (let j = 0; j < z; j++) {
    assert.ok(Math.abs(s.mean[j]) < 1e-4);
    assert.ok(Math.abs(s.std[j] - 1) < 1e-3);
  }
});

test('image batches: frames stay independent while history taps are zero; their gradients are zeroed', async () => {
  const weights = initVaeParams(WanVae.declaredParams(raw), 5);
  const a = renderClip(sampleScene(createRng('builtin-vae-f'), { objects: 1 }), { frames: 2, width: W, height: H });
  const one = HostTensor.f32(
    [1, 3, 1, H, W],
    Float32Array.from({ length: 3 * H * W }, (_, i) => a.data[Math.floor(i / (H * W)) * 2 * H * W + (i % (H * W))]),
  );
  const both = HostTensor.f32([1, 3, 2, H, W], a.data);
  const build = (t: number) => (g: Graph) => {
    const { mu } = splitMoments(encodeImagesGraph(g, raw, g.input('x', 'float32', [1, 3, t, H, W])), z);
    g.output('v', decodeImagesGraph(g, raw, mu));
  };
  const v1 = (await runGraph(build(1), { x: one }, weights)).v.data as Float32Array;
  const v2 = (await runGraph(build(2), { x: both }, weights)).v.data as Float32Array;
  // frame 0 of the two-image batch equals the image alone
  const plane = H * W;
  const first = Float32Array.from({ length: 3 * plane }, (_, i) => v2[Math.floor(i / plane) * 2 * plane + (i % plane)]);
  assert.ok(maxDiff(first, v1) < 1e-4 * Math.max(1, maxAbs(v1)), `frame 0 alone vs in a batch: ${maxDiff(first, v1)}`);
  const grads = new Map([['encoder.conv1.weight', HostTensor.f32([2, 3, 3, 1, 1], new TrainRng(1).normals(18))]]);
  zeroHistoryGrads(grads);
  const d = grads.get('encoder.conv1.weight')?.data as Float32Array;
  for (let oi = 0; oi < 6; oi++) {
    assert.equal(d[oi * 3], 0);
    assert.equal(d[oi * 3 + 1], 0);
    assert.notEqual(d[oi * 3 + 2], 0);
  }
});
