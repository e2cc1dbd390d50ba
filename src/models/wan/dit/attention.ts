// WanSelfAttention / WanCrossAttention / WanI2VCrossAttention (wan/modules/model.py).
// Two emissions of the same arithmetic: primitives (differentiable by the autograd)
// and fused inference kernels (flash attention, one-kernel RoPE and RMS norm).
import type { Tensor } from '../../../engine/graph/tensor.js';
import { mergeHeads, sdpa, splitHeads } from '../../../engine/nn/attention.js';
import { linear, rmsNorm } from '../../../engine/nn/layers.js';
import type { Scope } from '../../../engine/nn/scope.js';
import { add } from '../../../engine/ops/elementwise.js';
import { multiHeadAttention, rmsNormFused, rotaryEmbedding } from '../../../engine/ops/fused.js';
import { concat, reshape, slice, transpose } from '../../../engine/ops/movement.js';
import { dynamicQuantizeMatMul } from '../../../engine/ops/quantized.js';
import { int8WeightNames } from '../../../engine/rewrite/int8-weights.js';
import { T5_CONTEXT_TOKENS, type WanDitConfig } from './config.js';
import { applyRope } from './rope.js';

/** RoPE tables and key padding for the primitive emission. */
export interface PrimitiveAttention {
  readonly fused: false;
  readonly int8: false;
  /** [B, L, 1, D/2] each. */
  readonly cos: Tensor;
  readonly sin: Tensor;
  /** Additive key mask [B, 1, 1, L] (0 keeps, −inf drops padded tokens); absent when nothing is padded. */
  readonly mask?: Tensor;
}

/** RoPE cache and key lengths for the fused emission. */
export interface FusedAttention {
  readonly fused: true;
  /** Opt-in, lossy: block linears as dynamically quantized int8 GEMMs. */
  readonly int8: boolean;
  /** [B·L, D/2] each: one row per token of the batch. */
  readonly cos: Tensor;
  readonly sin: Tensor;
  /** int64 [B, L]: the cache row of each token. */
  readonly positions: Tensor;
  /** Real (unpadded) token count per sample; keys past it are dropped. */
  readonly keyLens: readonly number[];
}

export type AttentionInputs = PrimitiveAttention | FusedAttention;

/** Which kernels a block emits. */
export type Kernels = Pick<AttentionInputs, 'fused' | 'int8'>;

/**
 * torch Linear; with `int8`, its dynamically quantized form, which reads the
 * derived int8 weight and scale (`int8WeightNames`) and the official bias.
 */
export function dense(s: Scope, x: Tensor, inF: number, outF: number, k: Kernels): Tensor {
  if (!k.int8) return linear(s, x, inF, outF);
  const names = int8WeightNames(s.key('weight'));
  const q = s.graph.param(names.q, [inF, outF], 'int8');
  const scale = s.graph.param(names.scale, [outF]);
  const y = dynamicQuantizeMatMul(reshape(x, [-1, inF]), q, scale, s.param('bias', [outF]));
  return reshape(y, [...x.shape.slice(0, -1), outF]);
}

/** RMS norm over the whole width (before the head split), as upstream. */
function qkNorm(s: Scope, x: Tensor, c: WanDitConfig, k: Kernels): Tensor {
  if (!c.qkNorm) return x;
  return k.fused ? rmsNormFused(x, s.param('weight', [c.dim]), c.eps) : rmsNorm(s, x, c.dim, c.eps);
}

function project(s: Scope, name: string, normName: string, x: Tensor, c: WanDitConfig, k: Kernels): Tensor {
  return qkNorm(s.at(normName), dense(s.at(name), x, c.dim, c.dim, k), c, k);
}

/** Self-attention over video tokens with 3-D RoPE; padded keys are dropped. x: [B, L, C]. */
export function selfAttention(s: Scope, x: Tensor, c: WanDitConfig, a: AttentionInputs): Tensor {
  const n = c.numHeads;
  if (a.fused) {
    const q = rotaryEmbedding(project(s, 'q', 'norm_q', x, c, a), a.positions, a.cos, a.sin, n);
    const k = rotaryEmbedding(project(s, 'k', 'norm_k', x, c, a), a.positions, a.cos, a.sin, n);
    const v = dense(s.at('v'), x, c.dim, c.dim, a);
    return dense(s.at('o'), attendRealKeys(q, k, v, n, a.keyLens), c.dim, c.dim, a);
  }
  const [b, l] = x.shape;
  const d = c.dim / n;
  const q = applyRope(reshape(project(s, 'q', 'norm_q', x, c, a), [b, l, n, d]), a.cos, a.sin); // [B, L, N, D]
  const k = applyRope(reshape(project(s, 'k', 'norm_k', x, c, a), [b, l, n, d]), a.cos, a.sin);
  const v = reshape(dense(s.at('v'), x, c.dim, c.dim, a), [b, l, n, d]);
  const perm = [0, 2, 1, 3];
  const out = sdpa(transpose(q, perm), transpose(k, perm), transpose(v, perm), { mask: a.mask }); // [B, N, L, D]
  return dense(s.at('o'), mergeHeads(out), c.dim, c.dim, a);
}

/**
 * Flash attention of every query row over the first keyLens[i] keys of sample i:
 * the same result as masking the padded keys with −inf, without a mask input
 * (which would turn off ORT's flash kernel). Samples of equal length share one call.
 */
function attendRealKeys(q: Tensor, k: Tensor, v: Tensor, heads: number, keyLens: readonly number[]): Tensor {
  const l = k.shape[1];
  if (keyLens.every((n) => n === keyLens[0])) {
    const n = keyLens[0];
    return n === l
      ? multiHeadAttention(q, k, v, heads)
      : multiHeadAttention(q, slice(k, 1, 0, n), slice(v, 1, 0, n), heads);
  }
  const rows = keyLens.map((n, i) => {
    const one = (t: Tensor): Tensor => slice(t, 0, i, i + 1);
    return multiHeadAttention(one(q), slice(one(k), 1, 0, n), slice(one(v), 1, 0, n), heads);
  });
  return concat(rows, 0);
}

/** Text cross-attention (t2v/ti2v, and Wan2.2 i2v): no RoPE, no key mask. */
export function crossAttention(s: Scope, x: Tensor, context: Tensor, c: WanDitConfig, k: Kernels): Tensor {
  const q = project(s, 'q', 'norm_q', x, c, k);
  const kk = project(s, 'k', 'norm_k', context, c, k);
  const v = dense(s.at('v'), context, c.dim, c.dim, k);
  return dense(s.at('o'), attend(q, kk, v, c.numHeads, k.fused), c.dim, c.dim, k);
}

/**
 * Wan2.1 I2V cross-attention: the context is split at len − 512 into image and text
 * tokens; the two attentions share q and are summed before the output projection.
 */
export function i2vCrossAttention(s: Scope, x: Tensor, context: Tensor, c: WanDitConfig, k: Kernels): Tensor {
  const total = context.shape[1];
  const split = total - T5_CONTEXT_TOKENS;
  const img = slice(context, 1, 0, split);
  const txt = slice(context, 1, split, total);
  const q = project(s, 'q', 'norm_q', x, c, k);
  const kTxt = project(s, 'k', 'norm_k', txt, c, k);
  const vTxt = dense(s.at('v'), txt, c.dim, c.dim, k);
  const kImg = project(s, 'k_img', 'norm_k_img', img, c, k);
  const vImg = dense(s.at('v_img'), img, c.dim, c.dim, k);
  const out = add(attend(q, kTxt, vTxt, c.numHeads, k.fused), attend(q, kImg, vImg, c.numHeads, k.fused));
  return dense(s.at('o'), out, c.dim, c.dim, k);
}

/** Unmasked attention over [B, L, C] tensors, result [B, Lq, C]. */
function attend(q: Tensor, k: Tensor, v: Tensor, heads: number, fused: boolean): Tensor {
  if (fused) return multiHeadAttention(q, k, v, heads);
  return mergeHeads(sdpa(splitHeads(q, heads), splitHeads(k, heads), splitHeads(v, heads)));
}
