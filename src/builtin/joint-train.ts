// The built-in model's text encoder + TI2V DiT as one TrainableModel. Per example
// the trainer's random stream picks the prompt language and template, drops the
// prompt (classifier-free guidance), chooses text-to-video or image-to-video
// (first latent frame clean, its tokens at timestep 0, no loss on it — the TI2V
// path the pipeline samples with), and draws σ and the noise.
import { InputError } from '../engine/errors.js';
import { HostTensor } from '../engine/host-tensor.js';
import type { Weights } from '../engine/program.js';
import type { Runtime } from '../engine/runtime/runtime.js';
import type { WanDitConfig } from '../models/wan/dit/config.js';
import { tokenGrid } from '../models/wan/dit/graph.js';
import { sinusoidalEmbedding } from '../models/wan/dit/time-embedding.js';
import type { Umt5Config } from '../models/wan/umt5/config.js';
import { shiftSigma } from '../schedulers/flow-shift.js';
import type { Umt5PromptTokenizer } from '../tokenizers/umt5-prompt-tokenizer.js';
import { GradRunner } from '../training/grad-runner.js';
import type { TrainRng } from '../training/rng.js';
import type { LossAndGrads, StepContext, TrainableModel } from '../training/types.js';
import { type Lang, PROMPT_TEMPLATES, promptFor } from '../world/prompt.js';
import { renderClip } from '../world/render.js';
import type { Scene } from '../world/scene.js';
import { buildJointLossGraph, type JointShape } from './joint-graph.js';
import { PromptBatch } from './prompt-batch.js';
import { objectMask } from './vae-train.js';

/** One training example: a scene and its clean (normalised) latent [C, T, h, w]. */
export interface LatentExample {
  readonly scene: Scene;
  readonly latent: HostTensor;
  /** Where the scene's objects are on the latent grid [T·h·w] (see latentObjectMask); needed for `objectWeight`. */
  readonly objectMask?: Float32Array;
}

/** The random choices of the recipe. */
export interface JointRecipe {
  /** Probability that the prompt is replaced by the empty prompt (guidance training). */
  readonly dropPrompt: number;
  /** Probability that an example is image-to-video (first latent frame given). */
  readonly imageToVideo: number;
  /** Timestep shift of the σ distribution. */
  readonly shift: number;
  /** Probability of each light prompt variation (capitalised first letter, final full stop). */
  readonly promptNoise: number;
  /**
   * Extra loss weight of latent positions an object covers (0: uniform). Objects fill a few
   * per cent of the frame, so a uniform loss is mostly background, which says nothing about
   * shape or motion; the weights are renormalised to mean 1.
   */
  readonly objectWeight?: number;
}

/**
 * 1 where an object covers any pixel of a latent position [T·h·w]: latent frame 0 is video
 * frame 0, latent frame k ≥ 1 covers video frames 4k − 3 … 4k (the VAE's causal grouping).
 */
export function latentObjectMask(
  scene: Scene,
  video: { readonly frames: number; readonly width: number; readonly height: number },
  grid: readonly [number, number, number],
): Float32Array {
  const [t, h, w] = grid;
  const clip = renderClip(scene, video);
  const mask = objectMask(clip);
  const sy = video.height / h;
  const sx = video.width / w;
  const tc = (video.frames - 1) / Math.max(1, t - 1);
  const out = new Float32Array(t * h * w);
  const plane = video.width * video.height;
  for (let k = 0; k < t; k++) {
    const f0 = k === 0 ? 0 : 1 + (k - 1) * tc;
    const f1 = k === 0 ? 1 : 1 + k * tc;
    for (let f = f0; f < f1; f++)
      for (let y = 0; y < video.height; y++)
        for (let x = 0; x < video.width; x++)
          if (mask[f * plane + y * video.width + x]) out[(k * h + Math.floor(y / sy)) * w + Math.floor(x / sx)] = 1;
  }
  return out;
}

/**
 * Loss weights of one example over the latent grid [T·h·w], mean 1: 1 + `objectWeight` where
 * `objectMask` is set, 1 elsewhere, and 0 on the first latent frame of an image-to-video
 * example (the given image has no loss).
 */
export function exampleWeights(
  grid: readonly [number, number, number],
  objectWeight: number,
  objectMask: Float32Array | undefined,
  i2v: boolean,
): Float32Array {
  const [t, h, w] = grid;
  const weight = new Float32Array(t * h * w).fill(1);
  if (objectWeight > 0) {
    if (objectMask?.length !== weight.length)
      throw new InputError(`built-in training: objectWeight needs a latent object mask of ${weight.length} values`);
    for (let k = 0; k < weight.length; k++) weight[k] = 1 + objectWeight * objectMask[k];
  }
  if (i2v) weight.fill(0, 0, h * w);
  let sum = 0;
  for (const v of weight) sum += v;
  for (let k = 0; k < weight.length; k++) weight[k] *= weight.length / sum;
  return weight;
}

export interface JointTrainOptions {
  readonly runtime: Runtime;
  readonly threads?: number;
  readonly tokenizer: Umt5PromptTokenizer;
  readonly recipe: JointRecipe;
}

/** A prompt for `scene` in a random language and template, lightly varied. */
export function samplePrompt(
  scene: Scene,
  rng: TrainRng,
  noise: number,
): { text: string; lang: Lang; template: number } {
  const lang: Lang = rng.uniform() < 0.5 ? 'en' : 'zh';
  const template = rng.int(PROMPT_TEMPLATES);
  let text = promptFor(scene, lang, { template });
  if (rng.uniform() < noise) text = text.charAt(0).toUpperCase() + text.slice(1);
  if (rng.uniform() < noise) text += lang === 'en' ? '.' : '。';
  return { text, lang, template };
}

export class JointFlowMatching implements TrainableModel<LatentExample> {
  readonly text: Umt5Config;
  readonly dit: WanDitConfig;
  readonly #opts: JointTrainOptions;
  readonly #runner: GradRunner;

  constructor(text: Umt5Config, dit: WanDitConfig, opts: JointTrainOptions) {
    if (dit.modelType !== 'ti2v' || dit.inDim !== dit.outDim) {
      throw new InputError(
        `built-in training: the DiT must be a TI2V model with in_dim = out_dim, got ${dit.modelType} ${dit.inDim}/${dit.outDim}`,
      );
    }
    if (dit.textDim !== text.dim)
      throw new InputError(`built-in training: DiT text_dim ${dit.textDim} != UMT5 dim ${text.dim}`);
    this.text = text;
    this.dit = dit;
    this.#opts = opts;
    this.#runner = new GradRunner(opts.runtime, { device: 'cpu', threads: opts.threads ?? 1 });
  }

  async lossAndGrads(params: Weights, batch: readonly LatentExample[], ctx: StepContext): Promise<LossAndGrads> {
    const { recipe, tokenizer } = this.#opts;
    const c = this.dit;
    const b = batch.length;
    if (b === 0) throw new InputError('built-in training: empty batch');
    const [, t, h, w] = batch[0].latent.shape;
    const grid: [number, number, number] = [t, h, w];
    const [ft, fh, fw] = tokenGrid(c, grid);
    const seqLen = ft * fh * fw;
    const frameTokens = fh * fw;
    const L = c.textLen;
    const prompts = new PromptBatch(tokenizer, b, L);
    const tValues: number[] = [];
    const tIndex = new BigInt64Array(b * seqLen);
    const inputs: Record<string, HostTensor> = {};
    const plane = h * w;
    batch.forEach((ex, i) => {
      if (ex.latent.shape.join() !== batch[0].latent.shape.join()) {
        throw new InputError('built-in training: every latent in a batch must have the same shape');
      }
      const rng = ctx.rng;
      const prompt = samplePrompt(ex.scene, rng, recipe.promptNoise);
      prompts.set(i, rng.uniform() < recipe.dropPrompt ? '' : prompt.text, 'built-in training');
      const i2v = rng.uniform() < recipe.imageToVideo;
      const sigma = shiftSigma(rng.uniform(), recipe.shift);
      const x0 = ex.latent.data as Float32Array;
      const xt = new Float32Array(x0.length);
      const target = new Float32Array(x0.length);
      for (let k = 0; k < x0.length; k++) {
        const n = rng.normal();
        xt[k] = (1 - sigma) * x0[k] + sigma * n;
        target[k] = n - x0[k];
      }
      if (i2v) {
        // The first latent frame is the clean image latent, as the pipeline holds it.
        for (let ch = 0; ch < c.outDim; ch++)
          xt.set(x0.subarray(ch * t * plane, ch * t * plane + plane), ch * t * plane);
      }
      const weight = exampleWeights(grid, recipe.objectWeight ?? 0, ex.objectMask, i2v);
      tValues.push(1000 * sigma);
      tIndex.fill(BigInt(i), i * seqLen, (i + 1) * seqLen);
      if (i2v) tIndex.fill(BigInt(b), i * seqLen, i * seqLen + frameTokens);
      inputs[`x${i}`] = HostTensor.f32([1, c.inDim, t, h, w], xt);
      inputs[`target${i}`] = HostTensor.f32([c.outDim, t, h, w], target);
      inputs[`weight${i}`] = HostTensor.f32([1, t, h, w], weight);
    });
    tValues.push(0);
    Object.assign(inputs, prompts.inputs());
    inputs.t_freq = HostTensor.f32([b + 1, c.freqDim], sinusoidalEmbedding(c.freqDim, tValues));
    inputs.t_index = new HostTensor('int64', [b, seqLen], tIndex);
    const shape: JointShape = { batch: b, grid, seqLen };
    return this.#runner.run(
      `joint:${b}:${grid.join('x')}`,
      (g) => buildJointLossGraph(g, this.text, c, shape),
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
