// The CLIP vision tower graph (wan/modules/clip.py VisionTransformer.forward):
// patch conv, class token, position embedding, pre-norm, then the blocks
// (all but the last with `use_31_block`), no post-norm or head.
import type { Graph } from '../../../engine/graph/graph.js';
import type { Tensor } from '../../../engine/graph/tensor.js';
import { mergeHeads, sdpa } from '../../../engine/nn/attention.js';
import { convNd, layerNorm, linear } from '../../../engine/nn/layers.js';
import { Scope } from '../../../engine/nn/scope.js';
import { geluErf, silu } from '../../../engine/ops/activation.js';
import { add, mul, sigmoid } from '../../../engine/ops/elementwise.js';
import { concat, expand, reshape, split, squeeze, transpose } from '../../../engine/ops/movement.js';
import { blocksRun, type ClipVisionConfig, gridSize, hasClassToken, mlpDim, tokenCount } from './config.js';

export interface ClipShape {
  /** Images per run. */
  readonly batch: number;
  /** Also output `inter.after_pre_norm` and `inter.block{i}`. */
  readonly taps: boolean;
}

/** Fused-QKV self-attention: to_qkv viewed as [B, L, 3, heads, d], scale 1/√d, then proj. */
function attention(s: Scope, x: Tensor, c: ClipVisionConfig): Tensor {
  const [b, l] = x.shape;
  const d = c.dim / c.numHeads;
  const qkv = reshape(linear(s.at('to_qkv'), x, c.dim, 3 * c.dim), [b, l, 3, c.numHeads, d]);
  const [q, k, v] = split(transpose(qkv, [2, 0, 3, 1, 4]), 0, 3).map((t) => squeeze(t, 0)); // [B, N, L, d] each
  return linear(s.at('proj'), mergeHeads(sdpa(q, k, v, { scale: 1 / Math.sqrt(d) })), c.dim, c.dim);
}

function mlp(s: Scope, x: Tensor, c: ClipVisionConfig): Tensor {
  const hidden = mlpDim(c);
  if (c.activation === 'swi_glu') {
    const h = mul(silu(linear(s.at('fc1'), x, c.dim, hidden)), linear(s.at('fc2'), x, c.dim, hidden));
    return linear(s.at('fc3'), h, hidden, c.dim);
  }
  const h = linear(s.at(0), x, c.dim, hidden);
  const act = c.activation === 'gelu' ? geluErf(h) : mul(h, sigmoid(mul(h, 1.702)));
  return linear(s.at(2), act, hidden, c.dim);
}

/** One AttentionBlock (pre-norm residuals, or post-norm when configured). */
export function clipBlock(s: Scope, x: Tensor, c: ClipVisionConfig): Tensor {
  const norm1 = (t: Tensor) => layerNorm(s.at('norm1'), t, c.dim, c.normEps);
  const norm2 = (t: Tensor) => layerNorm(s.at('norm2'), t, c.dim, c.normEps);
  if (c.postNorm) {
    x = add(x, norm1(attention(s.at('attn'), x, c)));
    return add(x, norm2(mlp(s.at('mlp'), x, c)));
  }
  x = add(x, attention(s.at('attn'), norm1(x), c));
  return add(x, mlp(s.at('mlp'), norm2(x), c));
}

/**
 * Input `pixels` [B, 3, S, S] (already resized and normalised); output
 * `features` [B, tokens, dim]. Parameter names are the VisionTransformer's own
 * (`patch_embedding.weight`, `transformer.N.…`), i.e. the checkpoint keys
 * without their `visual.` prefix.
 */
export function buildClipVisionGraph(g: Graph, c: ClipVisionConfig, shape: ClipShape): void {
  const root = new Scope(g);
  const b = shape.batch;
  const s = c.imageSize;
  const pixels = g.input('pixels', 'float32', [b, 3, s, s]);
  const p = c.patchSize;
  const grid = gridSize(c);
  const pe = convNd(root.at('patch_embedding'), pixels, 3, c.dim, [p, p], { strides: [p, p], bias: !c.preNorm });
  let x = transpose(reshape(pe, [b, c.dim, grid * grid]), [0, 2, 1]); // [B, patches, dim]
  if (hasClassToken(c)) {
    const cls = expand(root.param('cls_embedding', [1, 1, c.dim]), [b, 1, c.dim]);
    x = concat([cls, x], 1);
  }
  x = add(x, root.param('pos_embedding', [1, tokenCount(c), c.dim]));
  if (c.preNorm) x = layerNorm(root.at('pre_norm'), x, c.dim, c.normEps);
  if (shape.taps) g.output('inter.after_pre_norm', x);
  for (let i = 0; i < blocksRun(c); i++) {
    x = clipBlock(root.at('transformer').at(i), x, c);
    if (shape.taps) g.output(`inter.block${i}`, x);
  }
  g.output('features', x);
}
