// Reductions over axes (opset 18: axes are an input).

import type { Tensor } from '../graph/tensor.js';
import { HostTensor } from '../host-tensor.js';
import { normAxis } from './shape-utils.js';

function reduce(op: string, x: Tensor, axes: readonly number[], keepDims: boolean): Tensor {
  const norm = [...new Set(axes.map((a) => normAxis(op, a, x.shape.length)))].sort((a, b) => a - b);
  const shape = keepDims
    ? x.shape.map((d, i) => (norm.includes(i) ? 1 : d))
    : x.shape.filter((_, i) => !norm.includes(i));
  const ax = x.graph.constant(HostTensor.i64([norm.length], norm), 'axes');
  return x.graph.node(op, [x, ax], [{ dtype: x.dtype, shape }], { keepdims: keepDims ? 1 : 0 })[0];
}

export const reduceMean = (x: Tensor, axes: readonly number[], keepDims = true): Tensor =>
  reduce('ReduceMean', x, axes, keepDims);
export const reduceSum = (x: Tensor, axes: readonly number[], keepDims = true): Tensor =>
  reduce('ReduceSum', x, axes, keepDims);
export const reduceMax = (x: Tensor, axes: readonly number[], keepDims = true): Tensor =>
  reduce('ReduceMax', x, axes, keepDims);
