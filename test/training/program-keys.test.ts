// Compiled graphs are cached per Program under a key; the key must name the model's sizes,
// or a second DiT (or VAE) of another architecture sharing the Program would run the first one's graph.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { randomWeights } from '../../src/bench/random-weights.js';
import { HostTensor } from '../../src/engine/host-tensor.js';
import { Program } from '../../src/engine/program.js';
import { OrtNodeRuntime } from '../../src/engine/runtime/ort-node.js';
import { WanDiT } from '../../src/models/wan/dit/model.js';
import { WAN21_VAE, type WanVaeConfig } from '../../src/models/wan/vae/config.js';
import { chunkKey } from '../../src/models/wan/vae/graph.js';
import { TrainRng } from '../../src/training/rng.js';
import { tinyDitConfig } from '../../src/training/toy.js';

test('two DiTs of different widths in one Program each give what they give alone', async () => {
  const rt = new OrtNodeRuntime();
  const opts = { device: 'cpu' as const, threads: 1 };
  const sample = {
    x: HostTensor.f32([4, 1, 4, 4], new TrainRng(1).normals(64)),
    context: HostTensor.f32([3, 16], new TrainRng(2).normals(48)),
    t: 600,
  };
  const configs = [tinyDitConfig({ dim: 32, ffnDim: 64 }), tinyDitConfig({ dim: 48, ffnDim: 96 })];
  const weights = configs.map((c, i) => randomWeights(WanDiT.declaredParams(c), i + 3));
  const shared = new Program(rt, opts);
  try {
    for (const [i, c] of configs.entries()) {
      const alone = new Program(rt, opts);
      try {
        const want = (await new WanDiT(c, weights[i], alone).forward([sample])).outputs[0].data;
        const got = (await new WanDiT(c, weights[i], shared).forward([sample])).outputs[0].data;
        assert.deepEqual(got, want, `DiT of width ${c.dim}`);
      } finally {
        await alone.dispose();
      }
    }
  } finally {
    await shared.dispose();
  }
});

test('a VAE chunk key differs for every architecture field and ignores the latent statistics', () => {
  const shape = { layout: { kind: 'plain' as const }, first: true, frames: 1, height: 64, width: 64 };
  const key = (c: WanVaeConfig) => chunkKey('dec', c, shape);
  const variants: WanVaeConfig[] = [
    { ...WAN21_VAE, dim: 16 },
    { ...WAN21_VAE, decDim: 16 },
    { ...WAN21_VAE, zDim: 8 },
    { ...WAN21_VAE, dimMult: [1, 2, 2, 4] },
    { ...WAN21_VAE, numResBlocks: 1 },
    { ...WAN21_VAE, temporalDownsample: [true, true, false] },
  ];
  const keys = new Set([key(WAN21_VAE), ...variants.map(key)]);
  assert.equal(keys.size, variants.length + 1);
  const stats = { ...WAN21_VAE, latentsMean: WAN21_VAE.latentsMean.map(() => 0) };
  assert.equal(key(stats), key(WAN21_VAE));
});
