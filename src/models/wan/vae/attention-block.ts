// AttentionBlock: single-head self-attention over the pixels of each frame
// (no attention across time), with 1×1 Conv2d projections and a residual.
import type { Tensor } from '../../../engine/graph/tensor.js';
import type { Scope } from '../../../engine/nn/scope.js';
import { softmax } from '../../../engine/ops/activation.js';
import { add, mul } from '../../../engine/ops/elementwise.js';
import { matmul } from '../../../engine/ops/matmul.js';
import { reshape, slice, transpose } from '../../../engine/ops/movement.js';
import { rmsNormChannels } from './rms-norm.js';

/** x [1, C, T, H, W] → same shape; keys `norm.gamma`, `to_qkv.*`, `proj.*`. */
export function attentionBlock(s: Scope, x: Tensor, c: number): Tensor {
  const [, , t, h, w] = x.shape;
  const n = h * w;
  // Frames become the batch; tokens stay channel-major ([T, C, N]) so the 1×1 convs are W·x.
  const frames = transpose(reshape(x, [c, t, n]), [1, 0, 2]);
  const normed = rmsNormChannels(s.at('norm'), frames, c, 1, 3);
  const wQkv = reshape(s.at('to_qkv').param('weight', [3 * c, c, 1, 1]), [3 * c, c]);
  const bQkv = reshape(s.at('to_qkv').param('bias', [3 * c]), [3 * c, 1]);
  const qkv = add(matmul(wQkv, normed), bQkv); // [T, 3C, N]
  const q = slice(qkv, 1, 0, c);
  const k = slice(qkv, 1, c, 2 * c);
  const v = slice(qkv, 1, 2 * c, 3 * c);
  const scores = mul(matmul(transpose(q, [0, 2, 1]), k), 1 / Math.sqrt(c)); // [T, Nq, Nk]
  const attn = softmax(scores, -1);
  const o = matmul(v, transpose(attn, [0, 2, 1])); // [T, C, Nq]
  const wProj = reshape(s.at('proj').param('weight', [c, c, 1, 1]), [c, c]);
  const bProj = reshape(s.at('proj').param('bias', [c]), [c, 1]);
  const y = add(matmul(wProj, o), bProj); // [T, C, N]
  return add(reshape(transpose(y, [1, 0, 2]), [1, c, t, h, w]), x);
}
