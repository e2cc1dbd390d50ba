// Pre-training of the built-in text encoder before the joint phase. A text encoder
// trained from scratch only through the DiT's cross-attention learns what moves the
// pixel loss most — the colour — and little else: the DiT then ignores shape and
// motion words. This phase gives the encoder a reason to separate every attribute
// first, as a pre-trained T5 would: a linear probe on the mean of its token states
// must recover each object's colour, shape, motion and size, the background and the
// object count that the prompt names (regression to one-hot targets; attributes a
// template leaves out have all-zero targets). The probe is dropped afterwards.
import { InputError } from '../engine/errors.js';
import type { Graph } from '../engine/graph/graph.js';
import { HostTensor } from '../engine/host-tensor.js';
import { linear } from '../engine/nn/layers.js';
import { Scope } from '../engine/nn/scope.js';
import { mul, sub } from '../engine/ops/elementwise.js';
import { reduceMean, reduceSum } from '../engine/ops/reduce.js';
import type { Weights } from '../engine/program.js';
import type { Runtime } from '../engine/runtime/runtime.js';
import type { Umt5Config } from '../models/wan/umt5/config.js';
import type { Umt5PromptTokenizer } from '../tokenizers/umt5-prompt-tokenizer.js';
import { GradRunner, type LossGraph } from '../training/grad-runner.js';
import { TrainRng } from '../training/rng.js';
import type { LossAndGrads, StepContext, TrainableModel } from '../training/types.js';
import type { Scene } from '../world/scene.js';
import { BACKGROUNDS, COLOURS, MOTIONS, SHAPES, SIZES } from '../world/vocab.js';
import { umt5Hidden } from './joint-graph.js';
import { isTextParam } from './joint-init.js';
import { samplePrompt } from './joint-train.js';
import { PromptBatch } from './prompt-batch.js';

/** Object slots the probe reads (scenes have one or two objects). */
const SLOTS = 2;
const PER_OBJECT = COLOURS.length + SHAPES.length + MOTIONS.length + SIZES.length;
/** Width of the probe's target: per-object attributes, background, object count. */
export const PROBE_WIDTH = SLOTS * PER_OBJECT + BACKGROUNDS.length + SLOTS;
/** Name prefix of the probe's parameters (never exported with the model). */
export const PROBE_PREFIX = 'attribute_probe.';

/** The one-hot attribute target of a scene's prompt written with `template`. */
export function attributeTarget(scene: Scene, template: number): Float32Array {
  const out = new Float32Array(PROBE_WIDTH);
  const withSize = (template & 1) !== 0;
  const withBackground = (template & 2) !== 0;
  scene.objects.forEach((o, k) => {
    if (k >= SLOTS) throw new InputError(`text probe: scenes have at most ${SLOTS} objects, found more`);
    let at = k * PER_OBJECT;
    out[at + COLOURS.indexOf(o.colour)] = 1;
    at += COLOURS.length;
    out[at + SHAPES.indexOf(o.shape)] = 1;
    at += SHAPES.length;
    out[at + MOTIONS.indexOf(o.motion)] = 1;
    at += MOTIONS.length;
    if (withSize) out[at + SIZES.indexOf(o.size)] = 1;
  });
  if (withBackground) out[SLOTS * PER_OBJECT + BACKGROUNDS.indexOf(scene.background)] = 1;
  out[SLOTS * PER_OBJECT + BACKGROUNDS.length + scene.objects.length - 1] = 1;
  return out;
}

/** The text-encoder parameters of `joint` plus a fresh probe (weight N(0, 1/dim), zero bias). */
export function initProbeParams(
  joint: ReadonlyMap<string, HostTensor>,
  text: Umt5Config,
  seed: number,
): Map<string, HostTensor> {
  const out = new Map<string, HostTensor>();
  for (const [k, t] of joint) if (isTextParam(k, text)) out.set(k, t);
  const rng = new TrainRng(seed);
  const w = new Float32Array(PROBE_WIDTH * text.dim).map(() => rng.normal() / Math.sqrt(text.dim));
  out.set(`${PROBE_PREFIX}weight`, HostTensor.f32([PROBE_WIDTH, text.dim], w));
  out.set(`${PROBE_PREFIX}bias`, HostTensor.f32([PROBE_WIDTH], new Float32Array(PROBE_WIDTH)));
  return out;
}

/** Loss graph: UMT5 states → mean over real tokens → linear probe → mean squared error × width. */
export function buildProbeLossGraph(g: Graph, text: Umt5Config, batch: number, len: number): LossGraph {
  const ids = g.input('ids', 'int64', [batch, len]);
  const mask = g.input('mask', 'int64', [batch, len]);
  const keep = g.input('keep', 'float32', [batch, len, 1]);
  const inv = g.input('inv_count', 'float32', [batch, 1]);
  const target = g.input('target', 'float32', [batch, PROBE_WIDTH]);
  const h = umt5Hidden(g, text, ids, mask);
  const pooled = mul(reduceSum(mul(h, keep), [1], false), inv);
  const pred = linear(new Scope(g).at(PROBE_PREFIX.slice(0, -1)), pooled, text.dim, PROBE_WIDTH);
  const d = sub(pred, target);
  return { loss: mul(reduceMean(mul(d, d), [0, 1], false), PROBE_WIDTH) };
}

export interface TextProbeOptions {
  readonly runtime: Runtime;
  readonly threads?: number;
  readonly tokenizer: Umt5PromptTokenizer;
  /** Text length the encoder sees (the DiT's text_len). */
  readonly textLen: number;
  /** Probability of each light prompt variation, as in the joint phase. */
  readonly promptNoise: number;
}

/** The text encoder plus probe as a TrainableModel over scenes. */
export class TextProbe implements TrainableModel<Scene> {
  readonly text: Umt5Config;
  readonly #opts: TextProbeOptions;
  readonly #runner: GradRunner;

  constructor(text: Umt5Config, opts: TextProbeOptions) {
    this.text = text;
    this.#opts = opts;
    this.#runner = new GradRunner(opts.runtime, { device: 'cpu', threads: opts.threads ?? 1 });
  }

  async lossAndGrads(params: Weights, batch: readonly Scene[], ctx: StepContext): Promise<LossAndGrads> {
    const b = batch.length;
    if (b === 0) throw new InputError('text probe: empty batch');
    const L = this.#opts.textLen;
    const prompts = new PromptBatch(this.#opts.tokenizer, b, L);
    const inv = new Float32Array(b);
    const target = new Float32Array(b * PROBE_WIDTH);
    batch.forEach((scene, i) => {
      const prompt = samplePrompt(scene, ctx.rng, this.#opts.promptNoise);
      inv[i] = 1 / Math.max(1, prompts.set(i, prompt.text, 'text probe'));
      target.set(attributeTarget(scene, prompt.template), i * PROBE_WIDTH);
    });
    const inputs: Record<string, HostTensor> = {
      ...prompts.inputs(),
      inv_count: HostTensor.f32([b, 1], inv),
      target: HostTensor.f32([b, PROBE_WIDTH], target),
    };
    return this.#runner.run(
      `probe:${b}:${L}`,
      (g) => buildProbeLossGraph(g, this.text, b, L),
      inputs,
      params,
      ctx.trainable,
      ctx.signal,
    );
  }

  async dispose(): Promise<void> {
    await this.#runner.dispose();
  }
}
