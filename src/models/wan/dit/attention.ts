// WanSelfAttention / WanCrossAttention / WanI2VCrossAttention (wan/modules/model.py).
import type { Tensor } from '../../../engine/graph/tensor.js';
import { mergeHeads, sdpa, splitHeads } from '../../../engine/nn/attention.js';
import { linear, rmsNorm } from '../../../engine/nn/layers.js';
import type { Scope } from '../../../engine/nn/scope.js';
import { add } from '../../../engine/ops/elementwise.js';
import { reshape, slice, transpose } from '../../../engine/ops/movement.js';
import { T5_CONTEXT_TOKENS, type WanDitConfig } from './config.js';
import { applyRope } from './rope.js';

export interface RopeInputs {
  /** [B, L, 1, D/2] each. */
  readonly cos: Tensor;
  readonly sin: Tensor;
}

/** q/k projections with the whole-width RMS norm (before the head split), as upstream. */
function projectQ(s: Scope, x: Tensor, c: WanDitConfig): Tensor {
  const q = linear(s.at('q'), x, c.dim, c.dim);
  return c.qkNorm ? rmsNorm(s.at('norm_q'), q, c.dim, c.eps) : q;
}

function projectK(s: Scope, name: string, normName: string, x: Tensor, c: WanDitConfig): Tensor {
  const k = linear(s.at(name), x, c.dim, c.dim);
  return c.qkNorm ? rmsNorm(s.at(normName), k, c.dim, c.eps) : k;
}

/** Self-attention over video tokens with 3-D RoPE; `mask` drops padded keys. x: [B, L, C]. */
export function selfAttention(s: Scope, x: Tensor, c: WanDitConfig, rope: RopeInputs, mask?: Tensor): Tensor {
  const [b, l] = x.shape;
  const n = c.numHeads;
  const d = c.dim / n;
  const q = applyRope(reshape(projectQ(s, x, c), [b, l, n, d]), rope.cos, rope.sin); // [B, L, N, D]
  const k = applyRope(reshape(projectK(s, 'k', 'norm_k', x, c), [b, l, n, d]), rope.cos, rope.sin);
  const v = reshape(linear(s.at('v'), x, c.dim, c.dim), [b, l, n, d]);
  const perm = [0, 2, 1, 3];
  const a = sdpa(transpose(q, perm), transpose(k, perm), transpose(v, perm), { mask }); // [B, N, L, D]
  return linear(s.at('o'), mergeHeads(a), c.dim, c.dim);
}

/** Text cross-attention (t2v/ti2v, and Wan2.2 i2v): no RoPE, no key mask. */
export function crossAttention(s: Scope, x: Tensor, context: Tensor, c: WanDitConfig): Tensor {
  const n = c.numHeads;
  const q = splitHeads(projectQ(s, x, c), n);
  const k = splitHeads(projectK(s, 'k', 'norm_k', context, c), n);
  const v = splitHeads(linear(s.at('v'), context, c.dim, c.dim), n);
  return linear(s.at('o'), mergeHeads(sdpa(q, k, v)), c.dim, c.dim);
}

/**
 * Wan2.1 I2V cross-attention: the context is split at len − 512 into image and text
 * tokens; the two attentions share q and are summed before the output projection.
 */
export function i2vCrossAttention(s: Scope, x: Tensor, context: Tensor, c: WanDitConfig): Tensor {
  const n = c.numHeads;
  const total = context.shape[1];
  const split = total - T5_CONTEXT_TOKENS;
  const img = slice(context, 1, 0, split);
  const txt = slice(context, 1, split, total);
  const q = splitHeads(projectQ(s, x, c), n);
  const k = splitHeads(projectK(s, 'k', 'norm_k', txt, c), n);
  const v = splitHeads(linear(s.at('v'), txt, c.dim, c.dim), n);
  const kImg = splitHeads(projectK(s, 'k_img', 'norm_k_img', img, c), n);
  const vImg = splitHeads(linear(s.at('v_img'), img, c.dim, c.dim), n);
  const out = add(sdpa(q, k, v), sdpa(q, kImg, vImg));
  return linear(s.at('o'), mergeHeads(out), c.dim, c.dim);
}
