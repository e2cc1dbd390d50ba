// WanAttentionBlock. Original norm order: norm1 = self-attn, norm3 = cross-attn
// (affine), norm2 = FFN; diffusers renames 2 and 3.
import type { Tensor } from '../../../engine/graph/tensor.js';
import { layerNorm, modulate } from '../../../engine/nn/layers.js';
import type { Scope } from '../../../engine/nn/scope.js';
import { geluTanh } from '../../../engine/ops/activation.js';
import { add, mul } from '../../../engine/ops/elementwise.js';
import { fastGelu } from '../../../engine/ops/fused.js';
import { reshape, split, squeeze } from '../../../engine/ops/movement.js';
import { layerNorm as layerNormOp } from '../../../engine/ops/normalization.js';
import { type AttentionInputs, crossAttention, dense, i2vCrossAttention, selfAttention } from './attention.js';
import { hasImageBranch, type WanDitConfig } from './config.js';

/**
 * x [B, L, C]; e0 [B, T, 6, C] with T = 1 (one timestep per sample) or L (per token);
 * context [B, S, C].
 */
export function wanBlock(
  s: Scope,
  x: Tensor,
  e0: Tensor,
  context: Tensor,
  c: WanDitConfig,
  attn: AttentionInputs,
): Tensor {
  const fused = attn.fused;
  const mod = s.param('modulation', [1, 6, c.dim]);
  // [1, 6, C] + [B, T, 6, C] -> six [B, T, C] tensors (fp32, as upstream asserts)
  const [shift1, scale1, gate1, shift2, scale2, gate2] = split(add(mod, e0), 2, 6).map((t) => squeeze(t, 2));

  // 1. Self-attention, modulated by the timestep
  const h = modulatedNorm(x, shift1, scale1, c.eps, fused);
  x = add(x, mul(selfAttention(s.at('self_attn'), h, c, attn), gate1));

  // 2. Cross-attention to the text (and image) context, not modulated
  const n3 = c.crossAttnNorm ? layerNorm(s.at('norm3'), x, c.dim, c.eps) : x;
  const cross = hasImageBranch(c) ? i2vCrossAttention : crossAttention;
  x = add(x, cross(s.at('cross_attn'), n3, context, c, attn));

  // 3. Feed-forward, modulated
  const f = modulatedNorm(x, shift2, scale2, c.eps, fused);
  const hidden = dense(s.at('ffn.0'), f, c.dim, c.ffnDim, attn);
  const y = dense(s.at('ffn.2'), fused ? fastGelu(hidden) : geluTanh(hidden), c.ffnDim, c.dim, attn);
  return add(x, mul(y, gate2));
}

/**
 * `LayerNorm(x)·(1 + scale) + shift` (affine-free norm). With one modulation row
 * for the whole batch ([1, 1, C]) the fused emission hands scale and shift to the
 * LayerNormalization kernel as its affine weight and bias: one pass instead of three.
 */
export function modulatedNorm(x: Tensor, shift: Tensor, scale: Tensor, eps: number, fused: boolean): Tensor {
  const dim = x.shape[x.shape.length - 1];
  if (fused && shift.shape.length === 3 && shift.shape[0] === 1 && shift.shape[1] === 1) {
    return layerNormOp(x, eps, reshape(add(scale, 1), [dim]), reshape(shift, [dim]));
  }
  return modulate(layerNormOp(x, eps), shift, scale);
}
