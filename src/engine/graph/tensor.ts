// Symbolic tensor handle. Methods are thin aliases of the op functions, listed
// here in one place so the surface stays visible (no prototype patching).
import type { DType } from '../dtype.js';
import { geluErf, geluTanh, silu, softmax } from '../ops/activation.js';
import { add, cast, div, exp, mul, neg, type Operand, sigmoid, sqrt, sub, tanh } from '../ops/elementwise.js';
import { matmul } from '../ops/matmul.js';
import { concat, expand, reshape, slice, split, squeeze, transpose, unsqueeze } from '../ops/movement.js';
import { reduceMean, reduceSum } from '../ops/reduce.js';
import type { Graph, ValueKind } from './graph.js';

export class Tensor {
  readonly graph: Graph;
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly kind: ValueKind;

  constructor(graph: Graph, name: string, dtype: DType, shape: readonly number[], kind: ValueKind) {
    this.graph = graph;
    this.name = name;
    this.dtype = dtype;
    this.shape = shape;
    this.kind = kind;
  }

  get rank(): number {
    return this.shape.length;
  }

  add(o: Operand): Tensor {
    return add(this, o);
  }
  sub(o: Operand): Tensor {
    return sub(this, o);
  }
  mul(o: Operand): Tensor {
    return mul(this, o);
  }
  div(o: Operand): Tensor {
    return div(this, o);
  }
  neg(): Tensor {
    return neg(this);
  }
  exp(): Tensor {
    return exp(this);
  }
  sqrt(): Tensor {
    return sqrt(this);
  }
  tanh(): Tensor {
    return tanh(this);
  }
  sigmoid(): Tensor {
    return sigmoid(this);
  }
  silu(): Tensor {
    return silu(this);
  }
  gelu(approximate: 'tanh' | 'none'): Tensor {
    return approximate === 'tanh' ? geluTanh(this) : geluErf(this);
  }
  softmax(axis = -1): Tensor {
    return softmax(this, axis);
  }
  matmul(o: Tensor): Tensor {
    return matmul(this, o);
  }
  cast(to: DType): Tensor {
    return cast(this, to);
  }
  reshape(shape: readonly number[]): Tensor {
    return reshape(this, shape);
  }
  transpose(perm: readonly number[]): Tensor {
    return transpose(this, perm);
  }
  unsqueeze(axis: number): Tensor {
    return unsqueeze(this, axis);
  }
  squeeze(axis: number): Tensor {
    return squeeze(this, axis);
  }
  expand(shape: readonly number[]): Tensor {
    return expand(this, shape);
  }
  slice(axis: number, start: number, end: number, step = 1): Tensor {
    return slice(this, axis, start, end, step);
  }
  split(axis: number, sizes: number | readonly number[]): Tensor[] {
    return split(this, axis, sizes);
  }
  concat(others: readonly Tensor[], axis: number): Tensor {
    return concat([this, ...others], axis);
  }
  mean(axes: readonly number[], keepDims = true): Tensor {
    return reduceMean(this, axes, keepDims);
  }
  sum(axes: readonly number[], keepDims = true): Tensor {
    return reduceSum(this, axes, keepDims);
  }
}
