// The training graph of the built-in model's text encoder and DiT together: token
// ids → UMT5 → context (real tokens kept, the rest zeroed, as the pipeline's
// trimmed-then-zero-padded context) → Wan TI2V DiT → masked flow-matching loss.
// Gradients flow through the context into the text encoder, so both train as one.
import { replayGraph } from '../engine/autograd/replay.js';
import type { Graph } from '../engine/graph/graph.js';
import { Graph as GraphClass } from '../engine/graph/graph.js';
import type { Tensor } from '../engine/graph/tensor.js';
import { rmsNorm } from '../engine/nn/layers.js';
import { Scope } from '../engine/nn/scope.js';
import { add, mul, sub } from '../engine/ops/elementwise.js';
import { gather } from '../engine/ops/movement.js';
import { reduceMean } from '../engine/ops/reduce.js';
import type { WanDitConfig } from '../models/wan/dit/config.js';
import { buildDitGraph, type DitShape } from '../models/wan/dit/graph.js';
import type { Umt5Config } from '../models/wan/umt5/config.js';
import { keyDroppedFromMask, maskedBias, positionBias, umt5Block } from '../models/wan/umt5/graph.js';
import type { LossGraph } from '../training/grad-runner.js';

/**
 * UMT5 encoder states [B, L, dim] of `ids`/`mask` (int64 [B, L]); the same maths as
 * buildUmt5Graph, returned as a tensor instead of a graph output.
 */
export function umt5Hidden(g: Graph, c: Umt5Config, ids: Tensor, mask: Tensor): Tensor {
  const root = new Scope(g);
  const dropped = keyDroppedFromMask(mask);
  const l = ids.shape[1];
  let x = gather(root.at('token_embedding').param('weight', [c.vocab, c.dim]), ids, 0);
  const table = (s: Scope) => s.at('pos_embedding').at('embedding').param('weight', [c.numBuckets, c.numHeads]);
  const shared = c.sharedPos ? maskedBias(positionBias(table(root), c, l), dropped) : undefined;
  for (let i = 0; i < c.numLayers; i++) {
    const s = root.at('blocks').at(i);
    x = umt5Block(s, x, shared ?? maskedBias(positionBias(table(s), c, l), dropped), c);
  }
  return rmsNorm(root.at('norm'), x, c.dim, c.eps);
}

/** Shapes of one joint training graph. */
export interface JointShape {
  readonly batch: number;
  /** Latent grid [T, h, w] (every example the same). */
  readonly grid: readonly [number, number, number];
  /** Token grid length (DiT sequence length). */
  readonly seqLen: number;
}

/**
 * Inputs: `ids`, `mask` int64 [B, text_len]; `keep` float [B, text_len, 1] (1 for real
 * tokens); `t_freq` [B + 1, freq_dim]; `t_index` int64 [B, seq_len]; per example `x{b}`
 * [1, C, T, h, w], `target{b}` [C, T, h, w] and `weight{b}` [1, T, h, w] (mean 1 over
 * the latent; 0 on a conditioning first frame). Loss: mean_b mean(weight·(out − target)²).
 */
export function buildJointLossGraph(g: Graph, text: Umt5Config, dit: WanDitConfig, shape: JointShape): LossGraph {
  const b = shape.batch;
  const ids = g.input('ids', 'int64', [b, dit.textLen]);
  const mask = g.input('mask', 'int64', [b, dit.textLen]);
  const keep = g.input('keep', 'float32', [b, dit.textLen, 1]);
  const context = mul(umt5Hidden(g, text, ids, mask), keep);
  const ditShape: DitShape = {
    grids: Array.from({ length: b }, () => shape.grid),
    seqLen: shape.seqLen,
    numTimesteps: b + 1,
    perToken: true,
    clipTokens: 0,
    taps: false,
  };
  const src = new GraphClass();
  buildDitGraph(src, dit, ditShape);
  const map = replayGraph(src, g, {
    input: (info) => (info.name === 'context' ? context : undefined),
    outputs: false,
  });
  let loss: Tensor | undefined;
  for (let i = 0; i < b; i++) {
    const out = map.get((src.outputs.find((o) => o.name === `out${i}`) as { tensor: Tensor }).tensor.name) as Tensor;
    const target = g.input(`target${i}`, 'float32', out.shape);
    const weight = g.input(`weight${i}`, 'float32', [1, ...out.shape.slice(1)]);
    const d = sub(out, target);
    const l = reduceMean(mul(mul(d, d), weight), [0, 1, 2, 3], false);
    loss = loss ? add(loss, l) : l;
  }
  return { loss: mul(loss as Tensor, 1 / b) };
}
