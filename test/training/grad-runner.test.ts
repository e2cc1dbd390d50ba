// The DiT training graph end to end: gradients from the full graph and from the
// block-checkpointed segments agree, identical blocks share one compiled graph,
// and the gradient matches a central difference of the loss along a random direction.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { randomWeights } from '../../src/bench/random-weights.js';
import { HostTensor } from '../../src/engine/host-tensor.js';
import { OrtNodeRuntime } from '../../src/engine/runtime/ort-node.js';
import { WanDiT } from '../../src/models/wan/dit/model.js';
import { DitFlowMatching } from '../../src/training/dit-flow.js';
import { TrainRng } from '../../src/training/rng.js';
import { tinyDitConfig, toyDitData } from '../../src/training/toy.js';

const rt = new OrtNodeRuntime();

function items(count: number, seed: number, grids: readonly (readonly [number, number, number])[]) {
  const rng = new TrainRng(seed);
  return Array.from({ length: count }, (_, i) => {
    const [ex] = toyDitData({
      count: 1,
      grid: grids[i % grids.length],
      channels: 4,
      textDim: 16,
      contextTokens: 3,
      seed: seed + i,
    });
    return {
      xt: HostTensor.f32(ex.latent.shape, rng.normals(ex.latent.size)),
      target: HostTensor.f32(ex.latent.shape, rng.normals(ex.latent.size)),
      context: ex.context,
      t: 100 + 300 * i,
    };
  });
}

function maxAbs(a: Float32Array): number {
  return a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
}

for (const version of ['2.1', '2.2'] as const) {
  test(`DiT ${version}: checkpointed gradients equal full-graph gradients; blocks share one graph`, async () => {
    const c = tinyDitConfig({ numLayers: 3, version });
    const params = randomWeights(WanDiT.declaredParams(c), 4);
    const trainable = new Set(params.keys());
    // two samples of different token counts: exercises padding and the key mask
    const batch = items(2, 7, [
      [1, 4, 4],
      [2, 2, 4],
    ]);
    const full = new DitFlowMatching(c, { runtime: rt });
    const ckpt = new DitFlowMatching(c, { runtime: rt, checkpointing: true });
    try {
      const a = await full.lossAt(params, batch, trainable);
      const b = await ckpt.lossAt(params, batch, trainable);
      assert.ok(Math.abs(a.loss - b.loss) <= 1e-6 * Math.abs(a.loss), `loss ${a.loss} vs ${b.loss}`);
      assert.equal(a.grads.size, params.size);
      for (const [k, ga] of a.grads) {
        const gb = b.grads.get(k) as HostTensor;
        const x = ga.data as Float32Array;
        const y = gb.data as Float32Array;
        const diff = maxAbs(x.map((v, i) => v - y[i]));
        assert.ok(diff <= 1e-5 * Math.max(maxAbs(x), 1e-3), `${k}: max diff ${diff} (scale ${maxAbs(x)})`);
      }
      // embeddings fwd+bwd, one shared block fwd+bwd, head bwd
      assert.equal(ckpt.sessionCount, 5);
    } finally {
      await full.dispose();
      await ckpt.dispose();
    }
  });
}

test('DiT gradient matches a central difference of the loss along a random direction (float32)', async () => {
  const c = tinyDitConfig();
  const params = randomWeights(WanDiT.declaredParams(c), 5);
  const trainable = new Set(params.keys());
  const batch = items(2, 11, [[1, 4, 4]]);
  const model = new DitFlowMatching(c, { runtime: rt, checkpointing: true });
  try {
    const { grads } = await model.lossAt(params, batch, trainable);
    const rng = new TrainRng(3);
    const dir = new Map([...params].map(([k, p]) => [k, rng.normals(p.size)]));
    let analytic = 0;
    for (const [k, d] of dir) {
      const g = grads.get(k)?.data as Float32Array;
      for (let i = 0; i < d.length; i++) analytic += g[i] * d[i];
    }
    const h = 1e-3;
    const at = async (s: number): Promise<number> => {
      const moved = new Map(
        [...params].map(([k, p]) => {
          const d = dir.get(k) as Float32Array;
          return [
            k,
            HostTensor.f32(
              p.shape,
              (p.data as Float32Array).map((v, i) => v + s * h * d[i]),
            ),
          ];
        }),
      );
      return (await model.lossAt(moved, batch, trainable)).loss;
    };
    const numeric = ((await at(1)) - (await at(-1))) / (2 * h);
    const rel = Math.abs(numeric - analytic) / Math.abs(analytic);
    assert.ok(rel < 1e-2, `directional derivative: numeric ${numeric}, analytic ${analytic} (rel ${rel})`);
  } finally {
    await model.dispose();
  }
});
