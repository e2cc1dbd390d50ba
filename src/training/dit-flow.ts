// The Wan DiT as a TrainableModel: flow-matching loss on (latent, text context)
// examples, gradients by reverse-mode differentiation of the DiT graph, with
// optional block-level activation checkpointing and LoRA adapters.

import { firstNodeReading } from '../engine/autograd/segments.js';
import { InputError } from '../engine/errors.js';
import { Graph } from '../engine/graph/graph.js';
import type { Tensor } from '../engine/graph/tensor.js';
import { HostTensor, shapeText } from '../engine/host-tensor.js';
import { add, mul } from '../engine/ops/elementwise.js';
import type { Weights } from '../engine/program.js';
import type { Device, Runtime } from '../engine/runtime/runtime.js';
import { hasImageBranch, type WanDitConfig } from '../models/wan/dit/config.js';
import { buildDitGraph, type DitShape, shapeKey, tokenGrid } from '../models/wan/dit/graph.js';
import { sinusoidalEmbedding } from '../models/wan/dit/time-embedding.js';
import { applyLoraGraph } from '../models/wan/lora/graph-rewrite.js';
import { loraTrainingBranches } from '../models/wan/lora/train.js';
import { GradRunner, type LossGraph } from './grad-runner.js';
import { flowMatchingPair, mseLoss } from './losses.js';
import type { LossAndGrads, StepContext, TrainableModel } from './types.js';

/** One training example: a clean latent and its text context. */
export interface DitExample {
  /** [in_dim, F, H, W]. */
  readonly latent: HostTensor;
  /** [S, text_dim], S ≤ text_len (zero-padded to text_len, as at inference). */
  readonly context: HostTensor;
}

export interface DitFlowOptions {
  readonly runtime: Runtime;
  readonly device?: Device;
  /** Intra-op threads (default 1: bit-reproducible runs). */
  readonly threads?: number;
  /** Timestep shift of the σ distribution (default 3). */
  readonly shift?: number;
  /** Recompute each block during backward (memory ≈ one block's activations). */
  readonly checkpointing?: boolean;
  /** Frozen weights not held by the trainer (the base model of a LoRA run). */
  readonly base?: Weights;
  /** Train LoRA adapters on these modules (trainer params `<module>.lora_A` / `.lora_B`). */
  readonly lora?: { readonly modules: readonly string[]; readonly rank: number; readonly alpha?: number };
}

/** Graph inputs for a batch at given noisy latents and timesteps (as WanDiT.forward prepares them). */
export function ditInputs(
  c: WanDitConfig,
  xs: readonly HostTensor[],
  contexts: readonly HostTensor[],
  ts: readonly number[],
  taps: boolean,
): { inputs: Record<string, HostTensor>; shape: DitShape } {
  if (hasImageBranch(c) || c.inDim !== c.outDim) {
    throw new InputError(
      `DiT training: only text-to-video models (in_dim = out_dim) are supported, this one is ${c.modelType} with in_dim ${c.inDim}, out_dim ${c.outDim}`,
    );
  }
  const grids = xs.map((x, i) => {
    if (x.shape.length !== 4 || x.shape[0] !== c.inDim) {
      throw new InputError(`DiT example ${i}: latent must be [${c.inDim}, F, H, W], got ${shapeText(x.shape)}`);
    }
    return [x.shape[1], x.shape[2], x.shape[3]] as [number, number, number];
  });
  const lens = grids.map((gr) => tokenGrid(c, gr).reduce((a, v) => a * v, 1));
  const seqLen = Math.max(...lens);
  const perToken = c.version === '2.2';
  const tIndex = new BigInt64Array(xs.length * (perToken ? seqLen : 1));
  xs.forEach((_, i) => {
    if (perToken) tIndex.fill(BigInt(i), i * seqLen, (i + 1) * seqLen);
    else tIndex[i] = BigInt(i);
  });
  const ctx = new Float32Array(xs.length * c.textLen * c.textDim);
  contexts.forEach((t, i) => {
    if (t.shape.length !== 2 || t.shape[1] !== c.textDim || t.shape[0] > c.textLen || t.dtype !== 'float32') {
      throw new InputError(
        `DiT example ${i}: context must be float32 [S ≤ ${c.textLen}, ${c.textDim}], got ${t.dtype} ${shapeText(t.shape)}`,
      );
    }
    ctx.set(t.data as Float32Array, i * c.textLen * c.textDim);
  });
  const inputs: Record<string, HostTensor> = {
    t_freq: HostTensor.f32([ts.length, c.freqDim], sinusoidalEmbedding(c.freqDim, [...ts])),
    t_index: new HostTensor('int64', [xs.length, perToken ? seqLen : 1], tIndex),
    context: HostTensor.f32([xs.length, c.textLen, c.textDim], ctx),
  };
  xs.forEach((x, i) => {
    inputs[`x${i}`] = HostTensor.f32([1, ...x.shape], x.data as Float32Array);
  });
  return { inputs, shape: { grids, seqLen, numTimesteps: ts.length, perToken, clipTokens: 0, taps } };
}

/**
 * Builds the DiT graph plus the loss mean_b mean((out_b − target_b)²) with
 * `target{b}` inputs; with LoRA, the graph is rewritten with adapter branches.
 * Returns where each block starts, for activation checkpointing.
 */
export function buildDitLossGraph(
  g: Graph,
  c: WanDitConfig,
  shape: DitShape,
  lora?: DitFlowOptions['lora'],
): LossGraph {
  let out = (name: string): Tensor | undefined => g.outputs.find((o) => o.name === name)?.tensor;
  if (lora) {
    const src = new Graph();
    buildDitGraph(src, c, shape);
    const map = applyLoraGraph(src, g, loraTrainingBranches(lora.modules, lora.rank, lora.alpha ?? lora.rank));
    out = (name) => {
      const t = src.outputs.find((o) => o.name === name)?.tensor;
      return t ? map.get(t.name) : undefined;
    };
  } else buildDitGraph(g, c, shape);
  let loss: Tensor | undefined;
  shape.grids.forEach((_, b) => {
    const o = out(`out${b}`) as Tensor;
    const l = mseLoss(o, g.input(`target${b}`, 'float32', o.shape));
    loss = loss ? add(loss, l) : l;
  });
  // segments: embeddings | block 0 | … | block N−1 | head + loss (identical blocks share one compiled graph)
  const blockStarts = [
    ...Array.from({ length: c.numLayers }, (_, i) => firstNodeReading(g, (p) => p.startsWith(`blocks.${i}.`))),
    firstNodeReading(g, (p) => p.startsWith('head.')),
  ].filter((i) => i > 0);
  return { loss: mul(loss as Tensor, 1 / shape.grids.length), blockStarts };
}

export class DitFlowMatching implements TrainableModel<DitExample> {
  readonly config: WanDitConfig;
  readonly #opts: DitFlowOptions;
  readonly #runner: GradRunner;

  constructor(config: WanDitConfig, opts: DitFlowOptions) {
    this.config = config;
    this.#opts = opts;
    this.#runner = new GradRunner(opts.runtime, {
      device: opts.device ?? 'cpu',
      threads: opts.threads ?? 1,
      checkpointing: opts.checkpointing ?? false,
    });
  }

  /** Draws σ and noise per example from ctx.rng, then runs forward + backward. */
  async lossAndGrads(params: Weights, batch: readonly DitExample[], ctx: StepContext): Promise<LossAndGrads> {
    if (batch.length === 0) throw new InputError('DiT training: empty batch');
    const shift = this.#opts.shift ?? 3;
    const pairs = batch.map((e) => {
      if (e.latent.dtype !== 'float32')
        throw new InputError(`DiT example latent must be float32, got ${e.latent.dtype}`);
      return flowMatchingPair(e.latent.data as Float32Array, ctx.rng, shift);
    });
    return this.lossAt(
      params,
      batch.map((e, i) => ({
        xt: new HostTensor('float32', e.latent.shape, pairs[i].xt),
        target: new HostTensor('float32', e.latent.shape, pairs[i].target),
        context: e.context,
        t: pairs[i].t,
      })),
      ctx.trainable,
      ctx.signal,
    );
  }

  /** Loss and gradients at given noisy inputs, targets and timesteps (no randomness). */
  async lossAt(
    params: Weights,
    items: readonly { xt: HostTensor; target: HostTensor; context: HostTensor; t: number }[],
    trainable: ReadonlySet<string>,
    signal?: AbortSignal,
  ): Promise<LossAndGrads> {
    const c = this.config;
    const { inputs, shape } = ditInputs(
      c,
      items.map((i) => i.xt),
      items.map((i) => i.context),
      items.map((i) => i.t),
      false,
    );
    items.forEach((it, b) => {
      inputs[`target${b}`] = it.target;
    });
    const weights = this.#opts.base ? new Map([...this.#opts.base, ...params]) : params;
    const lora = this.#opts.lora;
    const key = `${shapeKey(this.config, shape)}|${lora ? `lora:${lora.rank}:${lora.alpha ?? lora.rank}:${lora.modules.join(',')}` : ''}`;
    return this.#runner.run(key, (g) => buildDitLossGraph(g, c, shape, lora), inputs, weights, trainable, signal);
  }

  /** Distinct compiled graphs so far (identical blocks share one when checkpointing). */
  get sessionCount(): number {
    return this.#runner.sessionCount;
  }

  async dispose(): Promise<void> {
    await this.#runner.dispose();
  }
}
