// Matrix products.
import { ShapeError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { shapeText } from '../host-tensor.js';
import { broadcastShapes } from './shape-utils.js';

/** Batched matrix product with NumPy semantics (rank >= 2 on both sides). */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.shape.length < 2 || b.shape.length < 2) {
    throw new ShapeError(`MatMul: needs rank >= 2, lhs ${shapeText(a.shape)} rhs ${shapeText(b.shape)}`);
  }
  const [m, k] = a.shape.slice(-2);
  const [k2, n] = b.shape.slice(-2);
  if (k !== k2) throw new ShapeError(`MatMul: inner dims differ, lhs ${shapeText(a.shape)} rhs ${shapeText(b.shape)}`);
  if (a.dtype !== b.dtype) throw new ShapeError(`MatMul: dtypes differ (${a.dtype}, ${b.dtype})`);
  const batch = broadcastShapes('MatMul', a.shape.slice(0, -2), b.shape.slice(0, -2));
  return a.graph.node('MatMul', [a, b], [{ dtype: a.dtype, shape: [...batch, m, n] }])[0];
}

/**
 * `a [M, K] · bᵀ + c` with `b` stored as [N, K] (PyTorch Linear layout), so
 * checkpoint weights are used as they are, without a transpose per run.
 */
export function gemmTransB(a: Tensor, b: Tensor, c?: Tensor): Tensor {
  if (a.shape.length !== 2 || b.shape.length !== 2) {
    throw new ShapeError(`Gemm: needs 2-D operands, got ${shapeText(a.shape)} and ${shapeText(b.shape)}`);
  }
  if (a.shape[1] !== b.shape[1]) {
    throw new ShapeError(`Gemm: inner dims differ, lhs ${shapeText(a.shape)} rhs(T) ${shapeText(b.shape)}`);
  }
  const n = b.shape[0];
  if (c && (c.shape.length !== 1 || c.shape[0] !== n)) {
    throw new ShapeError(`Gemm: bias ${shapeText(c.shape)} does not match ${n} outputs`);
  }
  const inputs = c ? [a, b, c] : [a, b];
  return a.graph.node('Gemm', inputs, [{ dtype: a.dtype, shape: [a.shape[0], n] }], { transB: 1 })[0];
}
