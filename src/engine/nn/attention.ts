// Scaled dot-product attention composed from primitives.
import { ShapeError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { shapeText } from '../host-tensor.js';
import { softmax } from '../ops/activation.js';
import { add, mul } from '../ops/elementwise.js';
import { matmul } from '../ops/matmul.js';
import { reshape, transpose } from '../ops/movement.js';

/**
 * softmax(q·kᵀ·scale + mask)·v for q [B, N, Lq, D], k/v [B, N, Lk, D].
 * `mask` is additive and broadcast to [B, N, Lq, Lk] (0 keeps, -inf drops).
 */
export function sdpa(q: Tensor, k: Tensor, v: Tensor, opts: { scale?: number; mask?: Tensor } = {}): Tensor {
  const d = q.shape[3];
  if (q.rank !== 4 || k.rank !== 4 || v.rank !== 4 || k.shape[3] !== d || k.shape[2] !== v.shape[2]) {
    throw new ShapeError(
      `sdpa: q ${shapeText(q.shape)}, k ${shapeText(k.shape)}, v ${shapeText(v.shape)} are not [B, N, L, D]`,
    );
  }
  const scale = opts.scale ?? 1 / Math.sqrt(d);
  let scores = matmul(mul(q, scale), transpose(k, [0, 1, 3, 2])); // [B, N, Lq, Lk]
  if (opts.mask) scores = add(scores, opts.mask);
  return matmul(softmax(scores, -1), v); // [B, N, Lq, D]
}

/** [B, L, N·D] -> [B, N, L, D]. */
export function splitHeads(x: Tensor, heads: number): Tensor {
  const [b, l, c] = x.shape;
  return transpose(reshape(x, [b, l, heads, c / heads]), [0, 2, 1, 3]);
}

/** [B, N, L, D] -> [B, L, N·D]. */
export function mergeHeads(x: Tensor): Tensor {
  const [b, n, l, d] = x.shape;
  return reshape(transpose(x, [0, 2, 1, 3]), [b, l, n * d]);
}
