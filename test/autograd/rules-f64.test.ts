// Finite-difference checks, in float64, of the gradient rule of every primitive
// that ONNX Runtime's CPU provider runs in double precision.
import { test } from 'node:test';
import { FloatAttr, type Graph } from '../../src/engine/graph/graph.js';
import type { Tensor } from '../../src/engine/graph/tensor.js';
import { HostTensor } from '../../src/engine/host-tensor.js';
import { softmax } from '../../src/engine/ops/activation.js';
import * as E from '../../src/engine/ops/elementwise.js';
import { gemmTransB, matmul } from '../../src/engine/ops/matmul.js';
import * as M from '../../src/engine/ops/movement.js';
import { layerNorm } from '../../src/engine/ops/normalization.js';
import { reduceMax, reduceMean, reduceSum } from '../../src/engine/ops/reduce.js';
import { OrtNodeRuntime } from '../../src/engine/runtime/ort-node.js';
import { type Case, check, uniform } from './helpers.js';

const rt = new OrtNodeRuntime();
const TOL = 1e-6;

const u = uniform;
const pos = (shape: number[], seed: number): HostTensor => uniform(shape, seed, 0.5, 2);
const away = (shape: number[], seed: number): HostTensor => {
  // values in ±[0.2, 1]: away from the kinks of Abs/Relu at 0
  const t = uniform(shape, seed, 0.2, 1);
  const s = uniform(shape, seed + 1);
  return HostTensor.f32(
    shape,
    t.data.map((v, i) => (s.data[i] < 0 ? -v : v)),
  );
};

function boolConst(g: Graph, shape: number[], seed: number): Tensor {
  const r = uniform(shape, seed);
  return E.less(g.constant(r, 'r'), 0);
}

const cases: Case[] = [
  { name: 'Add (broadcast)', inputs: { a: u([2, 3, 4], 1), b: u([3, 1], 2) }, build: (_, x) => E.add(x.a, x.b) },
  { name: 'Sub (broadcast)', inputs: { a: u([3, 1], 3), b: u([2, 3, 4], 4) }, build: (_, x) => E.sub(x.a, x.b) },
  { name: 'Mul (broadcast)', inputs: { a: u([2, 3, 4], 5), b: u([4], 6) }, build: (_, x) => E.mul(x.a, x.b) },
  { name: 'Div (broadcast)', inputs: { a: u([2, 3, 4], 7), b: pos([1, 3, 1], 8) }, build: (_, x) => E.div(x.a, x.b) },
  { name: 'Pow (both operands)', inputs: { a: pos([2, 3], 9), b: u([2, 3], 10) }, build: (_, x) => E.pow(x.a, x.b) },
  { name: 'Pow (constant exponent)', inputs: { a: pos([2, 3], 11) }, build: (_, x) => E.pow(x.a, 3) },
  { name: 'Max', inputs: { a: u([2, 3], 12), b: u([3], 13) }, build: (_, x) => E.maximum(x.a, x.b) },
  { name: 'Min', inputs: { a: u([2, 3], 14), b: u([2, 3], 15) }, build: (_, x) => E.minimum(x.a, x.b) },
  { name: 'Neg', inputs: { x: u([2, 3], 16) }, build: (_, x) => E.neg(x.x) },
  { name: 'Exp', inputs: { x: u([2, 3], 17) }, build: (_, x) => E.exp(x.x) },
  { name: 'Log', inputs: { x: pos([2, 3], 18) }, build: (_, x) => E.log(x.x) },
  { name: 'Sqrt', inputs: { x: pos([2, 3], 19) }, build: (_, x) => E.sqrt(x.x) },
  { name: 'Reciprocal', inputs: { x: pos([2, 3], 20) }, build: (_, x) => E.reciprocal(x.x) },
  { name: 'Tanh', inputs: { x: u([2, 3], 21) }, build: (_, x) => E.tanh(x.x) },
  { name: 'Sigmoid', inputs: { x: u([2, 3], 22) }, build: (_, x) => E.sigmoid(x.x) },
  { name: 'Sin', inputs: { x: u([2, 3], 23) }, build: (_, x) => E.sin(x.x) },
  { name: 'Cos', inputs: { x: u([2, 3], 24) }, build: (_, x) => E.cos(x.x) },
  { name: 'Abs', inputs: { x: away([2, 3], 25) }, build: (_, x) => E.abs(x.x) },
  { name: 'Relu', inputs: { x: away([2, 3], 26) }, build: (_, x) => E.relu(x.x) },
  { name: 'Identity', inputs: { x: u([2, 3], 27) }, build: (_, x) => E.identity(x.x) },
  {
    name: 'Cast (there and back)',
    inputs: { x: u([2, 3], 28) },
    build: (_, x) => E.cast(E.cast(x.x, 'float64'), 'float32'),
  },
  {
    name: 'Where (broadcast)',
    inputs: { a: u([2, 3], 29), b: u([3], 30) },
    build: (g, x) => E.where(boolConst(g, [2, 3], 31), x.a, x.b),
  },
  { name: 'Reshape', inputs: { x: u([2, 3, 4], 32) }, build: (_, x) => M.reshape(x.x, [4, 6]) },
  { name: 'Transpose', inputs: { x: u([2, 3, 4], 33) }, build: (_, x) => M.transpose(x.x, [2, 0, 1]) },
  {
    name: 'Concat',
    inputs: { a: u([2, 1, 3], 34), b: u([2, 2, 3], 35), c: u([2, 3, 3], 36) },
    build: (_, x) => M.concat([x.a, x.b, x.c], 1),
  },
  { name: 'Slice (step 1)', inputs: { x: u([3, 5], 37) }, build: (_, x) => M.slice(x.x, 1, 1, 4) },
  { name: 'Slice (step 2, negative start)', inputs: { x: u([3, 7], 38) }, build: (_, x) => M.slice(x.x, 1, -6, 7, 2) },
  { name: 'Slice (step 3, axis 0)', inputs: { x: u([8, 2], 39) }, build: (_, x) => M.slice(x.x, 0, 1, 8, 3) },
  {
    name: 'Split (one output unused)',
    inputs: { x: u([2, 6], 40) },
    build: (_, x) => {
      const [p, , r] = M.split(x.x, 1, [1, 2, 3]);
      return E.add(M.reshape(p, [2, 1]), r);
    },
  },
  { name: 'Expand', inputs: { x: u([3, 1], 41) }, build: (_, x) => M.expand(x.x, [2, 3, 4]) },
  {
    name: 'Pad',
    inputs: { x: u([2, 3, 2], 42) },
    build: (_, x) =>
      M.pad(x.x, [
        [0, 0],
        [2, 1],
        [1, 0],
      ]),
  },
  {
    name: 'Gather (axis 0, repeated indices)',
    inputs: { x: u([4, 3], 43) },
    build: (g, x) => M.gather(x.x, g.constant(HostTensor.i64([2, 3], [0, 2, 2, 3, 0, 0]), 'idx'), 0),
  },
  {
    name: 'Gather (axis 1, negative index)',
    inputs: { x: u([2, 4, 3], 44) },
    build: (g, x) => M.gather(x.x, g.constant(HostTensor.i64([3], [1, -1, 1]), 'idx'), 1),
  },
  { name: 'ReduceSum (keepdims)', inputs: { x: u([2, 3, 4], 45) }, build: (_, x) => reduceSum(x.x, [0, 2], true) },
  { name: 'ReduceSum (drop dims)', inputs: { x: u([2, 3, 4], 46) }, build: (_, x) => reduceSum(x.x, [1], false) },
  { name: 'ReduceMean', inputs: { x: u([2, 3, 4], 47) }, build: (_, x) => reduceMean(x.x, [-1], false) },
  { name: 'ReduceMax', inputs: { x: u([2, 3, 4], 48) }, build: (_, x) => reduceMax(x.x, [1, 2], true) },
  {
    name: 'MatMul (batched, broadcast)',
    inputs: { a: u([2, 3, 4], 49), b: u([4, 5], 50) },
    build: (_, x) => matmul(x.a, x.b),
  },
  {
    name: 'MatMul (broadcast lhs)',
    inputs: { a: u([3, 4], 51), b: u([2, 4, 2], 52) },
    build: (_, x) => matmul(x.a, x.b),
  },
  {
    name: 'Gemm (transB, bias)',
    inputs: { a: u([3, 4], 53), w: u([5, 4], 54), c: u([5], 55) },
    build: (_, x) => gemmTransB(x.a, x.w, x.c),
  },
  {
    name: 'Gemm (transA, alpha, beta)',
    inputs: { a: u([4, 3], 56), w: u([4, 5], 57), c: u([3, 5], 58) },
    build: (g, x) =>
      g.node('Gemm', [x.a, x.w, x.c], [{ dtype: 'float32', shape: [3, 5] }], {
        transA: 1,
        alpha: new FloatAttr(0.7),
        beta: new FloatAttr(1.3),
      })[0],
  },
  { name: 'Softmax (last axis)', inputs: { x: u([2, 3, 4], 59) }, build: (_, x) => softmax(x.x, -1) },
  { name: 'Softmax (axis 1)', inputs: { x: u([2, 3, 4], 60) }, build: (_, x) => softmax(x.x, 1) },
  {
    name: 'LayerNormalization (affine)',
    inputs: { x: u([2, 3, 5], 61), w: u([5], 62), b: u([5], 63) },
    build: (_, x) => layerNorm(x.x, 1e-5, x.w, x.b),
  },
  {
    name: 'LayerNormalization (scale only, axis 1)',
    inputs: { x: u([2, 3, 4], 64), w: u([3, 4], 65) },
    build: (g, x) =>
      g.node('LayerNormalization', [x.x, x.w], [{ dtype: 'float32', shape: [2, 3, 4] }], {
        axis: 1,
        epsilon: new FloatAttr(1e-5),
      })[0],
  },
];

for (const c of cases) {
  test(`gradient (float64): ${c.name}`, async () => {
    await check(rt, c, TOL);
  });
}
