// WanAttentionBlock. Original norm order: norm1 = self-attn, norm3 = cross-attn
// (affine), norm2 = FFN; diffusers renames 2 and 3.
import type { Tensor } from '../../../engine/graph/tensor.js';
import { layerNorm, linear, modulate } from '../../../engine/nn/layers.js';
import type { Scope } from '../../../engine/nn/scope.js';
import { geluTanh } from '../../../engine/ops/activation.js';
import { add, mul } from '../../../engine/ops/elementwise.js';
import { split, squeeze } from '../../../engine/ops/movement.js';
import { crossAttention, i2vCrossAttention, type RopeInputs, selfAttention } from './attention.js';
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
  rope: RopeInputs,
  mask?: Tensor,
): Tensor {
  const mod = s.param('modulation', [1, 6, c.dim]);
  // [1, 6, C] + [B, T, 6, C] -> six [B, T, C] tensors (fp32, as upstream asserts)
  const [shift1, scale1, gate1, shift2, scale2, gate2] = split(add(mod, e0), 2, 6).map((t) => squeeze(t, 2));

  // 1. Self-attention, modulated by the timestep
  const h = modulate(layerNorm(s.at('norm1'), x, c.dim, c.eps, { affine: false }), shift1, scale1);
  x = add(x, mul(selfAttention(s.at('self_attn'), h, c, rope, mask), gate1));

  // 2. Cross-attention to the text (and image) context, not modulated
  const n3 = c.crossAttnNorm ? layerNorm(s.at('norm3'), x, c.dim, c.eps) : x;
  const cross = hasImageBranch(c) ? i2vCrossAttention : crossAttention;
  x = add(x, cross(s.at('cross_attn'), n3, context, c));

  // 3. Feed-forward, modulated
  const f = modulate(layerNorm(s.at('norm2'), x, c.dim, c.eps, { affine: false }), shift2, scale2);
  const y = linear(s.at('ffn.2'), geluTanh(linear(s.at('ffn.0'), f, c.dim, c.ffnDim)), c.ffnDim, c.dim);
  return add(x, mul(y, gate2));
}
