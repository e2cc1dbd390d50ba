// FLOP counting (what the benchmarks divide time by): exact counts on hand-checkable
// graphs, and the whole-VAE count agrees with the per-layer formula of the 2.1 decoder.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { graphFlops } from '../../src/engine/graph/flops.js';
import { Graph } from '../../src/engine/graph/graph.js';
import { conv } from '../../src/engine/ops/conv.js';
import { gemmTransB, matmul } from '../../src/engine/ops/matmul.js';
import { vaeConfigFromJson } from '../../src/models/wan/vae/config.js';
import { vaeFlops } from '../../src/models/wan/vae/flops.js';

test('graphFlops counts 2 FLOPs per multiply-add of Conv, MatMul and Gemm', () => {
  const g = new Graph();
  const x = g.input('x', 'float32', [1, 4, 8, 8]);
  const w = g.param('w', [6, 4, 3, 3]);
  conv(x, w, undefined, {
    pads: [
      [1, 1],
      [1, 1],
    ],
  });
  const dw = g.param('dw', [4, 1, 3, 3]);
  conv(x, dw, undefined, { group: 4 });
  const a = g.input('a', 'float32', [2, 3, 5]);
  matmul(a, g.param('b', [5, 7]));
  gemmTransB(g.input('c', 'float32', [3, 5]), g.param('d', [7, 5]));
  const full = 2 * (6 * 8 * 8) * (4 * 9);
  const depthwise = 2 * (4 * 6 * 6) * 9;
  assert.equal(graphFlops(g), full + depthwise + 2 * 2 * 3 * 7 * 5 + 2 * 3 * 7 * 5);
});

test('vaeFlops of a small 2.1 decoder equals the sum over its layers', () => {
  // dim 4, dim_mult [1, 2] (one 2× spatial and 2× temporal upsample), 2 residual blocks per stage.
  const c = vaeConfigFromJson(
    {
      dim: 4,
      z_dim: 2,
      dim_mult: [1, 2],
      num_res_blocks: 1,
      temperal_downsample: [true],
      latents_mean: [0, 0],
      latents_std: [1, 1],
    },
    '2.1',
  );
  const [frames, h, w] = [5, 16, 16];
  const lpx = (h / 2) * (w / 2);
  const px = h * w;
  const lat = 1 + (frames - 1) / 2;
  const conv3 = (cin: number, cout: number, pixels: number, t: number) => 2 * 27 * cin * cout * pixels * t;
  const [d0, d1] = [8, 4]; // decoder widths: dim · [2, 2, 1], stage 1 input halved by the upsample
  let flops = 2 * 2 * 2 * lpx * lat; // conv2 (1×1×1, z → z)
  flops += conv3(2, d0, lpx, lat); // decoder.conv1
  flops += 4 * conv3(d0, d0, lpx, lat); // middle: 2 residual blocks
  flops += lat * (2 * 4 * d0 * d0 * lpx + 4 * lpx * lpx * d0); // middle attention: qkv + proj, scores + values
  flops += 4 * conv3(d0, d0, lpx, lat); // stage 0: 2 residual blocks
  flops += 2 * 3 * d0 * 2 * d0 * lpx * (lat - 1); // upsample3d time conv (3×1×1, C → 2C), not on the first frame
  flops += 2 * 9 * d0 * (d0 / 2) * px * frames; // nearest ×2, then a 3×3 conv to C/2
  flops += 4 * conv3(d1, d1, px, frames); // stage 1: 2 residual blocks
  flops += conv3(d1, 3, px, frames); // head
  assert.equal(vaeFlops(c, 'decode', frames, h, w), flops);
});
