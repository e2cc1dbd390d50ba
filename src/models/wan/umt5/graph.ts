// UMT5 encoder graphs (wan/modules/t5.py T5Encoder.forward). Two shapes of the
// same maths: the whole encoder in one graph (float32 weights held in memory),
// or one graph per stage (a block, the final norm) so a caller can feed one
// block's weights at a time and never hold a second full-precision copy.
import type { Graph } from '../../../engine/graph/graph.js';
import type { Tensor } from '../../../engine/graph/tensor.js';
import { HostTensor } from '../../../engine/host-tensor.js';
import { mergeHeads, splitHeads } from '../../../engine/nn/attention.js';
import { linear, rmsNorm } from '../../../engine/nn/layers.js';
import { Scope } from '../../../engine/nn/scope.js';
import { geluTanh, softmax } from '../../../engine/ops/activation.js';
import { add, equal, mul, where } from '../../../engine/ops/elementwise.js';
import { matmul } from '../../../engine/ops/matmul.js';
import { gather, reshape, transpose, unsqueeze } from '../../../engine/ops/movement.js';
import type { Umt5Config } from './config.js';
import { bucketGrid } from './relative-position.js';

/** What fixes a UMT5 graph's shapes. */
export interface Umt5Shape {
  readonly batch: number;
  readonly seqLen: number;
}

/** float32 min (`torch.finfo(torch.float32).min`): the bias of masked keys. */
export const FLOAT32_MIN = -3.4028234663852886e38;

/** Parameter name of the table used by every block when `sharedPos` is set. */
export const SHARED_POS_TABLE = 'pos_embedding.embedding.weight';

/** Scope under which the per-stage block graph declares one block's parameters. */
export const STAGE_BLOCK = 'block';

/** Parameter suffixes of one block (after `blocks.N.`), in the order upstream declares them. */
export function blockParamShapes(c: Umt5Config): [string, number[]][] {
  const out: [string, number[]][] = [
    ['norm1.weight', [c.dim]],
    ['attn.q.weight', [c.dimAttn, c.dim]],
    ['attn.k.weight', [c.dimAttn, c.dim]],
    ['attn.v.weight', [c.dimAttn, c.dim]],
    ['attn.o.weight', [c.dim, c.dimAttn]],
    ['norm2.weight', [c.dim]],
    ['ffn.gate.0.weight', [c.dimFfn, c.dim]],
    ['ffn.fc1.weight', [c.dimFfn, c.dim]],
    ['ffn.fc2.weight', [c.dim, c.dimFfn]],
  ];
  if (!c.sharedPos) out.push(['pos_embedding.embedding.weight', [c.numBuckets, c.numHeads]]);
  return out;
}

/**
 * The relative-position bias [1, heads, L, L] = table[bucket(j − i), h]: the
 * bucket grid is a constant of the shape, the table a parameter.
 */
export function positionBias(table: Tensor, c: Umt5Config, seqLen: number): Tensor {
  const grid = bucketGrid(seqLen, { numBuckets: c.numBuckets, bidirectional: true, maxDistance: c.maxDistance });
  const idx = table.graph.constant(new HostTensor('int32', [seqLen, seqLen], grid), 'rel_bucket');
  return unsqueeze(transpose(gather(table, idx, 0), [2, 0, 1]), 0);
}

/**
 * Upstream adds the position bias, then *replaces* it with float32 min for
 * keys whose mask is 0 (`masked_fill_`), so a padded key's logit is
 * q·k + min rather than −inf. `keyDropped` is bool [B, 1, 1, L].
 */
export function maskedBias(posBias: Tensor, keyDropped: Tensor): Tensor {
  return where(keyDropped, FLOAT32_MIN, posBias);
}

/** bool [B, 1, 1, L]: true where the int64 attention mask is 0. */
export function keyDroppedFromMask(mask: Tensor): Tensor {
  const [b, l] = mask.shape;
  return reshape(equal(mask, 0), [b, 1, 1, l]);
}

/** T5Attention without scaling: softmax(q·kᵀ + bias)·v, then `o`. */
function selfAttention(s: Scope, x: Tensor, bias: Tensor, c: Umt5Config): Tensor {
  const q = splitHeads(linear(s.at('q'), x, c.dim, c.dimAttn, { bias: false }), c.numHeads);
  const k = splitHeads(linear(s.at('k'), x, c.dim, c.dimAttn, { bias: false }), c.numHeads);
  const v = splitHeads(linear(s.at('v'), x, c.dim, c.dimAttn, { bias: false }), c.numHeads);
  const logits = add(matmul(q, transpose(k, [0, 1, 3, 2])), bias);
  const attn = matmul(softmax(logits, -1), v);
  return linear(s.at('o'), mergeHeads(attn), c.dimAttn, c.dim, { bias: false });
}

/** Gated-GELU feed-forward: fc2(fc1(x) · gelu_tanh(gate(x))). */
function feedForward(s: Scope, x: Tensor, c: Umt5Config): Tensor {
  const gate = geluTanh(linear(s.at('gate').at(0), x, c.dim, c.dimFfn, { bias: false }));
  const h = mul(linear(s.at('fc1'), x, c.dim, c.dimFfn, { bias: false }), gate);
  return linear(s.at('fc2'), h, c.dimFfn, c.dim, { bias: false });
}

/** One T5SelfAttention block; `bias` is the masked position bias [B, heads, L, L]. */
export function umt5Block(s: Scope, x: Tensor, bias: Tensor, c: Umt5Config): Tensor {
  x = add(x, selfAttention(s.at('attn'), rmsNorm(s.at('norm1'), x, c.dim, c.eps), bias, c));
  return add(x, feedForward(s.at('ffn'), rmsNorm(s.at('norm2'), x, c.dim, c.eps), c));
}

function blockBias(s: Scope, root: Scope, c: Umt5Config, seqLen: number, dropped: Tensor): Tensor {
  const table = c.sharedPos
    ? root.graph.param(SHARED_POS_TABLE, [c.numBuckets, c.numHeads])
    : s.at('pos_embedding').at('embedding').param('weight', [c.numBuckets, c.numHeads]);
  return maskedBias(positionBias(table, c, seqLen), dropped);
}

/**
 * The whole encoder. Inputs: `ids` int64 [B, L], `mask` int64 [B, L];
 * output `hidden` [B, L, dim]. Parameters carry the official key names.
 */
export function buildUmt5Graph(g: Graph, c: Umt5Config, shape: Umt5Shape): void {
  const root = new Scope(g);
  const { batch: b, seqLen: l } = shape;
  const ids = g.input('ids', 'int64', [b, l]);
  const mask = g.input('mask', 'int64', [b, l]);
  const dropped = keyDroppedFromMask(mask);
  let x = gather(root.at('token_embedding').param('weight', [c.vocab, c.dim]), ids, 0);
  const shared = c.sharedPos ? blockBias(root, root, c, l, dropped) : undefined;
  for (let i = 0; i < c.numLayers; i++) {
    const s = root.at('blocks').at(i);
    x = umt5Block(s, x, shared ?? blockBias(s, root, c, l, dropped), c);
  }
  g.output('hidden', rmsNorm(root.at('norm'), x, c.dim, c.eps));
}

/**
 * One block as its own graph: inputs `x` [B, L, dim] float32 and `mask` int64
 * [B, L]; output `y`. Parameters are `block.<suffix>` (the same session serves
 * every layer) plus, with shared tables, the top-level table.
 */
export function buildUmt5BlockGraph(g: Graph, c: Umt5Config, shape: Umt5Shape): void {
  const root = new Scope(g);
  const x = g.input('x', 'float32', [shape.batch, shape.seqLen, c.dim]);
  const mask = g.input('mask', 'int64', [shape.batch, shape.seqLen]);
  const s = root.at(STAGE_BLOCK);
  g.output('y', umt5Block(s, x, blockBias(s, root, c, shape.seqLen, keyDroppedFromMask(mask)), c));
}

/** The final T5LayerNorm as a graph: input `x`, output `hidden`, parameter `norm.weight`. */
export function buildUmt5NormGraph(g: Graph, c: Umt5Config, shape: Umt5Shape): void {
  const x = g.input('x', 'float32', [shape.batch, shape.seqLen, c.dim]);
  g.output('hidden', rmsNorm(new Scope(g).at('norm'), x, c.dim, c.eps));
}
