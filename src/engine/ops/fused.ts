// Optional fused inference kernels: ONNX Runtime's com.microsoft contrib ops
// (and its internal SimplifiedLayerNormalization). Each one replaces a chain of
// primitives with one kernel that computes the same float32 arithmetic. They
// have no gradient rule: graphs meant for the autograd keep to the primitives.
import { ShapeError } from '../errors.js';
import { FloatAttr } from '../graph/graph.js';
import type { Tensor } from '../graph/tensor.js';
import { shapeText } from '../host-tensor.js';

const MS = 'com.microsoft';

/**
 * softmax(q·kᵀ/√d)·v per head for q [B, Lq, N·D], k/v [B, Lk, N·D] (token-major,
 * heads not split): com.microsoft MultiHeadAttention, which runs MLAS flash
 * attention on the CPU (no [N, Lq, Lk] score tensor). No mask: callers drop
 * padded keys by slicing k/v instead.
 */
export function multiHeadAttention(q: Tensor, k: Tensor, v: Tensor, heads: number): Tensor {
  const [b, lq, c] = q.shape;
  if (
    q.rank !== 3 ||
    k.rank !== 3 ||
    v.rank !== 3 ||
    k.shape[0] !== b ||
    v.shape[0] !== b ||
    k.shape[2] !== c ||
    v.shape[1] !== k.shape[1] ||
    c % heads !== 0
  ) {
    throw new ShapeError(
      `MultiHeadAttention: q ${shapeText(q.shape)}, k ${shapeText(k.shape)}, v ${shapeText(v.shape)} are not [B, L, ${heads}·D]`,
    );
  }
  const out = [b, lq, v.shape[2]];
  return q.graph.node('MultiHeadAttention', [q, k, v], [{ dtype: q.dtype, shape: out }], { num_heads: heads }, MS)[0];
}

/**
 * Rotates adjacent element pairs of every head of x [B, L, N·D]:
 * out[2j] = x[2j]·cos − x[2j+1]·sin, out[2j+1] = x[2j]·sin + x[2j+1]·cos, with
 * cos/sin rows [P, D/2] picked per token by `positions` (int64 [B, L]).
 */
export function rotaryEmbedding(x: Tensor, positions: Tensor, cos: Tensor, sin: Tensor, heads: number): Tensor {
  const [b, l, c] = x.shape;
  const d = c / heads;
  if (
    x.rank !== 3 ||
    !Number.isInteger(d) ||
    positions.dtype !== 'int64' ||
    shapeText(positions.shape) !== shapeText([b, l]) ||
    cos.rank !== 2 ||
    cos.shape[1] !== d / 2 ||
    shapeText(sin.shape) !== shapeText(cos.shape)
  ) {
    throw new ShapeError(
      `RotaryEmbedding: x ${shapeText(x.shape)} (${heads} heads), positions ${positions.dtype} ${shapeText(positions.shape)}, cos ${shapeText(cos.shape)}, sin ${shapeText(sin.shape)} do not fit`,
    );
  }
  return x.graph.node(
    'RotaryEmbedding',
    [x, positions, cos, sin],
    [{ dtype: x.dtype, shape: x.shape }],
    { interleaved: 1, num_heads: heads },
    MS,
  )[0];
}

/** GELU, tanh approximation, in one kernel (com.microsoft FastGelu; same MLAS tanh as ONNX Tanh). */
export function fastGelu(x: Tensor): Tensor {
  return x.graph.node('FastGelu', [x], [{ dtype: x.dtype, shape: x.shape }], {}, MS)[0];
}

/** x · rsqrt(mean(x², last axis) + eps) · weight in one kernel (ORT SimplifiedLayerNormalization). */
export function rmsNormFused(x: Tensor, weight: Tensor, eps: number): Tensor {
  const c = x.shape[x.shape.length - 1];
  if (weight.rank !== 1 || weight.shape[0] !== c) {
    throw new ShapeError(
      `SimplifiedLayerNormalization: weight ${shapeText(weight.shape)} does not match ${shapeText(x.shape)}`,
    );
  }
  return x.graph.node('SimplifiedLayerNormalization', [x, weight], [{ dtype: x.dtype, shape: x.shape }], {
    axis: -1,
    epsilon: new FloatAttr(eps),
  })[0];
}
