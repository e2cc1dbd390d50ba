// The built-in VAE's training graph and latent folding:
// * the whole-clip training graph (chunks unrolled, caches wired inside one graph)
//   computes exactly what the chunked inference runner computes;
// * folding our latent statistics into conv1/conv2 is exact: with the official
//   Wan2.1 constants the folded VAE encodes to (mu − m)/s and decodes the same video;
// * image batches through the first-chunk path are independent frames even when the
//   temporal history taps are not zero (as after clip training).
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

test('image batches: each frame equals its image alone, even with non-zero history taps', async () => {
  const weights = initVaeParams(WanVae.declaredParams(raw), 5);
  // Clip training fills the older taps of every kernel-3 time convolution; do so here.
  const rng = new TrainRng(9);
  let filled = 0;
  for (const [name, t] of weights) {
    const s = t.shape;
    if (!name.endsWith('.weight') || s.length !== 5 || s[2] < 2) continue;
    const d = t.data as Float32Array;
    const tap = s[3] * s[4];
    const scale = maxAbs(d);
    for (let oi = 0; oi < s[0] * s[1]; oi++) {
      for (let k = oi * s[2] * tap; k < (oi * s[2] + s[2] - 1) * tap; k++) d[k] = 0.5 * scale * rng.normal();
    }
    filled++;
  }
  assert.ok(filled > 0);
  const a = renderClip(sampleScene(createRng('builtin-vae-f'), { objects: 1 }), { frames: 2, width: W, height: H });
  const plane = H * W;
  const frame = (data: Float32Array, f: number, frames: number) =>
    Float32Array.from(
      { length: 3 * plane },
      (_, i) => data[(Math.floor(i / plane) * frames + f) * plane + (i % plane)],
    );
  const build = (t: number) => (g: Graph) => {
    const { mu } = splitMoments(encodeImagesGraph(g, raw, g.input('x', 'float32', [1, 3, t, H, W])), z);
    g.output('v', decodeImagesGraph(g, raw, mu));
  };
  const both = (await runGraph(build(2), { x: HostTensor.f32([1, 3, 2, H, W], a.data) }, weights)).v
    .data as Float32Array;
  for (const f of [0, 1]) {
    const alone = (await runGraph(build(1), { x: HostTensor.f32([1, 3, 1, H, W], frame(a.data, f, 2)) }, weights)).v
      .data as Float32Array;
    const inBatch = frame(both, f, 2);
    assert.ok(
      maxDiff(inBatch, alone) < 1e-4 * Math.max(1, maxAbs(alone)),
      `frame ${f} alone vs in a batch: ${maxDiff(inBatch, alone)}`,
    );
  }
});
