// Element-wise primitives with NumPy broadcasting.
import { type DType, ONNX_DTYPE } from '../dtype.js';
import { ShapeError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { HostTensor } from '../host-tensor.js';
import { broadcastShapes } from './shape-utils.js';

export type Operand = Tensor | number;

/** A scalar constant of the tensor's dtype (float32 unless the tensor is float64/int64). */
export function scalarLike(like: Tensor, v: number): Tensor {
  const g = like.graph;
  if (like.dtype === 'float64') return g.constant(new HostTensor('float64', [], Float64Array.of(v)), 'scalar');
  if (like.dtype === 'int64') return g.constant(HostTensor.i64([], [v]), 'scalar');
  if (like.dtype !== 'float32')
    throw new ShapeError(`scalar operand for ${like.dtype} tensor '${like.name}' is not supported`);
  return g.constant(HostTensor.f32([], [v]), 'scalar');
}

function binary(op: string, a: Operand, b: Operand, outDtype?: DType): Tensor {
  if (typeof a === 'number' && typeof b === 'number') throw new ShapeError(`${op}: needs at least one tensor operand`);
  const ta = typeof a === 'number' ? scalarLike(b as Tensor, a) : a;
  const tb = typeof b === 'number' ? scalarLike(ta, b) : b;
  if (ta.dtype !== tb.dtype) {
    throw new ShapeError(`${op}: dtypes differ, lhs ${ta.dtype} '${ta.name}', rhs ${tb.dtype} '${tb.name}'`);
  }
  const shape = broadcastShapes(op, ta.shape, tb.shape);
  return ta.graph.node(op, [ta, tb], [{ dtype: outDtype ?? ta.dtype, shape }])[0];
}

export const add = (a: Operand, b: Operand): Tensor => binary('Add', a, b);
export const sub = (a: Operand, b: Operand): Tensor => binary('Sub', a, b);
export const mul = (a: Operand, b: Operand): Tensor => binary('Mul', a, b);
export const div = (a: Operand, b: Operand): Tensor => binary('Div', a, b);
export const pow = (a: Operand, b: Operand): Tensor => binary('Pow', a, b);
export const maximum = (a: Operand, b: Operand): Tensor => binary('Max', a, b);
export const minimum = (a: Operand, b: Operand): Tensor => binary('Min', a, b);
export const less = (a: Operand, b: Operand): Tensor => binary('Less', a, b, 'bool');
export const greaterOrEqual = (a: Operand, b: Operand): Tensor => binary('GreaterOrEqual', a, b, 'bool');
export const equal = (a: Operand, b: Operand): Tensor => binary('Equal', a, b, 'bool');

function unary(op: string, x: Tensor): Tensor {
  return x.graph.node(op, [x], [{ dtype: x.dtype, shape: x.shape }])[0];
}

export const neg = (x: Tensor): Tensor => unary('Neg', x);
export const exp = (x: Tensor): Tensor => unary('Exp', x);
export const log = (x: Tensor): Tensor => unary('Log', x);
export const sqrt = (x: Tensor): Tensor => unary('Sqrt', x);
export const reciprocal = (x: Tensor): Tensor => unary('Reciprocal', x);
export const tanh = (x: Tensor): Tensor => unary('Tanh', x);
export const erf = (x: Tensor): Tensor => unary('Erf', x);
export const sigmoid = (x: Tensor): Tensor => unary('Sigmoid', x);
export const sin = (x: Tensor): Tensor => unary('Sin', x);
export const cos = (x: Tensor): Tensor => unary('Cos', x);
export const abs = (x: Tensor): Tensor => unary('Abs', x);
export const relu = (x: Tensor): Tensor => unary('Relu', x);
export const identity = (x: Tensor): Tensor => unary('Identity', x);

/** Element type conversion. */
export function cast(x: Tensor, to: DType): Tensor {
  if (x.dtype === to) return x;
  return x.graph.node('Cast', [x], [{ dtype: to, shape: x.shape }], { to: onnxTo(to) })[0];
}

/** `cond ? a : b` with broadcasting. */
export function where(cond: Tensor, a: Operand, b: Operand): Tensor {
  if (cond.dtype !== 'bool') throw new ShapeError(`Where: condition '${cond.name}' must be bool, got ${cond.dtype}`);
  const like = typeof a === 'number' ? (b as Tensor) : a;
  const ta = typeof a === 'number' ? scalarLike(like, a) : a;
  const tb = typeof b === 'number' ? scalarLike(like, b) : b;
  if (ta.dtype !== tb.dtype) throw new ShapeError(`Where: branch dtypes differ (${ta.dtype}, ${tb.dtype})`);
  const shape = broadcastShapes('Where', broadcastShapes('Where', cond.shape, ta.shape), tb.shape);
  return cond.graph.node('Where', [cond, ta, tb], [{ dtype: ta.dtype, shape }])[0];
}

function onnxTo(d: DType): number {
  return ONNX_DTYPE[d];
}
