// Compiled graphs are cached per Program under a key; the key must name the model's sizes,
// or a second DiT of another width sharing the Program would run the first one's graph.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { randomWeights } from '../../src/bench/random-weights.js';
import { HostTensor } from '../../src/engine/host-tensor.js';
import { Program } from '../../src/engine/program.js';
import { OrtNodeRuntime } from '../../src/engine/runtime/ort-node.js';
import { WanDiT } from '../../src/models/wan/dit/model.js';
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
