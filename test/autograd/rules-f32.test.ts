// Finite-difference checks, in float32 with central differences, of the rules
// whose ONNX Runtime CPU kernels have no double version: Erf, Conv and
// ConvTranspose (and ScatterND, checked with them). Tolerance 2e-2 relative.
import { test } from 'node:test';
import { HostTensor } from '../../src/engine/host-tensor.js';
import { conv } from '../../src/engine/ops/conv.js';
import { convTranspose } from '../../src/engine/ops/conv-transpose.js';
import { erf } from '../../src/engine/ops/elementwise.js';
import { scatterAddRows } from '../../src/engine/ops/scatter.js';
import { OrtNodeRuntime } from '../../src/engine/runtime/ort-node.js';
import { type Case, check, uniform as u } from './helpers.js';

const rt = new OrtNodeRuntime();
const TOL = 2e-2;

const cases: Case[] = [
  { name: 'Erf', inputs: { x: u([2, 5], 1, -2, 2) }, build: (_, x) => erf(x.x) },
  {
    name: 'Conv 2-D (padding, stride 2, bias)',
    inputs: { x: u([2, 3, 5, 6], 2), w: u([4, 3, 3, 3], 3), b: u([4], 4) },
    build: (_, x) =>
      conv(x.x, x.w, x.b, {
        strides: [2, 2],
        pads: [
          [1, 1],
          [1, 0],
        ],
      }),
  },
  {
    name: 'Conv 2-D (dilation 2, uneven sizes)',
    inputs: { x: u([1, 2, 7, 6], 5), w: u([3, 2, 2, 3], 6) },
    build: (_, x) => conv(x.x, x.w, undefined, { dilations: [2, 2], strides: [1, 2] }),
  },
  {
    name: 'Conv 2-D (groups)',
    inputs: { x: u([2, 4, 5, 5], 7), w: u([6, 2, 3, 3], 8), b: u([6], 9) },
    build: (_, x) =>
      conv(x.x, x.w, x.b, {
        group: 2,
        pads: [
          [1, 1],
          [1, 1],
        ],
      }),
  },
  {
    name: 'Conv 3-D (3×3×3, spatial padding, bias)',
    inputs: { x: u([1, 2, 4, 4, 5], 10), w: u([3, 2, 3, 3, 3], 11), b: u([3], 12) },
    build: (_, x) =>
      conv(x.x, x.w, x.b, {
        pads: [
          [0, 0],
          [1, 1],
          [1, 1],
        ],
      }),
  },
  {
    name: 'Conv 3-D (patchify stride 1×2×2)',
    inputs: { x: u([1, 3, 2, 4, 4], 13), w: u([5, 3, 1, 2, 2], 14), b: u([5], 15) },
    build: (_, x) => conv(x.x, x.w, x.b, { strides: [1, 2, 2] }),
  },
  {
    name: 'Conv 3-D (time stride 2)',
    inputs: { x: u([1, 2, 5, 3, 3], 16), w: u([2, 2, 3, 1, 1], 17) },
    build: (_, x) => conv(x.x, x.w, undefined, { strides: [2, 1, 1] }),
  },
  {
    name: 'ConvTranspose 2-D (stride 2, padding, output padding)',
    inputs: { x: u([1, 3, 3, 4], 18), w: u([3, 2, 3, 3], 19), b: u([2], 20) },
    build: (_, x) =>
      convTranspose(x.x, x.w, x.b, {
        strides: [2, 2],
        pads: [
          [1, 1],
          [1, 0],
        ],
        outputPadding: [1, 0],
      }),
  },
  {
    name: 'ConvTranspose 2-D (groups)',
    inputs: { x: u([1, 4, 3, 3], 21), w: u([4, 1, 2, 2], 22) },
    build: (_, x) => convTranspose(x.x, x.w, undefined, { group: 2, strides: [2, 2] }),
  },
  {
    name: 'ScatterND (add rows)',
    inputs: { d: u([4, 3], 23), v: u([3, 3], 24) },
    build: (g, x) => scatterAddRows(x.d, g.constant(HostTensor.i64([3, 1], [2, 0, 2]), 'idx'), x.v),
  },
];

for (const c of cases) {
  test(`gradient (float32): ${c.name}`, async () => {
    await check(rt, c, TOL, { float64: false, maxCoords: 16, directions: 2 });
  });
}
