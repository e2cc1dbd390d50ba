// Training the built-in VAE: the Wan2.1 VAE topology at a small width, as a
// TrainableModel for src/training's `train`. Loss per clip: object-weighted
// L1 + L2 reconstruction error of the decoded reparameterised sample, plus a
// small KL term, on random crops of rendered shapes-world clips.
import { InputError } from '../engine/errors.js';
import type { Graph } from '../engine/graph/graph.js';
import type { Tensor } from '../engine/graph/tensor.js';
import { HostTensor } from '../engine/host-tensor.js';
import { abs, add, mul, sub } from '../engine/ops/elementwise.js';
import { reduceMean } from '../engine/ops/reduce.js';
import type { Weights } from '../engine/program.js';
import type { Runtime } from '../engine/runtime/runtime.js';
import type { WanVaeConfig } from '../models/wan/vae/config.js';
import { accumulateGrads, scaleGrads } from '../training/grad-math.js';
import { GradRunner, type LossGraph } from '../training/grad-runner.js';
import { gaussianKl } from '../training/losses.js';
import type { TrainRng } from '../training/rng.js';
import type { LossAndGrads, StepContext, TrainableModel } from '../training/types.js';
import type { Clip } from '../world/clip.js';
import {
  decodeClipGraph,
  decodeImagesGraph,
  encodeClipGraph,
  encodeImagesGraph,
  latentGrid,
  sampleLatent,
  splitMoments,
} from './vae-graph.js';

/** One training clip: [3, F, H, W] in [-1, 1]. */
export interface VaeExample {
  readonly clip: Clip;
}

export interface VaeTrainOptions {
  readonly runtime: Runtime;
  /** Intra-op threads (default 1: bit-reproducible). */
  readonly threads?: number;
  /** Train on square crops of this side around the objects (pixels, a multiple of 8); default: whole frames. */
  readonly crop?: number;
  /** Weight of the KL term per latent element (default 1e-4). */
  readonly klWeight?: number;
  /** Extra weight of pixels that differ from the background (default 4): objects are small. */
  readonly objectWeight?: number;
  /** Decode the reparameterised sample (default true); false decodes the mean. */
  readonly sample?: boolean;
  /**
   * Treat each example's frames as independent images, each through the first-chunk
   * path (one graph run for all of them); the temporal history taps see only the
   * first chunk's zero padding, so they get no gradient.
   */
  readonly images?: boolean;
}

/** Latent grid of an example: a clip's, or one latent frame per image. */
function exampleGrid(c: WanVaeConfig, frames: number, h: number, w: number, images: boolean): [number, number, number] {
  const [t, lh, lw] = latentGrid(c, images ? 1 : frames, h, w);
  return [images ? frames : t, lh, lw];
}

/**
 * The loss graph of one example of [3, F, h, w] (a clip, or F images). Inputs `x`,
 * `weight` [1, 1, F, h, w] (mean 1), `eps` (latent noise).
 */
export function buildVaeLossGraph(
  g: Graph,
  c: WanVaeConfig,
  frames: number,
  h: number,
  w: number,
  klWeight: number,
  images = false,
): LossGraph {
  const [t, lh, lw] = exampleGrid(c, frames, h, w, images);
  const x = g.input('x', 'float32', [1, 3, frames, h, w]);
  const weight = g.input('weight', 'float32', [1, 1, frames, h, w]);
  const eps = g.input('eps', 'float32', [1, c.zDim, t, lh, lw]);
  const { mu, logvar } = splitMoments(images ? encodeImagesGraph(g, c, x) : encodeClipGraph(g, c, x), c.zDim);
  const z = sampleLatent(mu, logvar, eps);
  const recon = images ? decodeImagesGraph(g, c, z) : decodeClipGraph(g, c, z);
  const d = sub(recon, x);
  const rec = mean(mul(add(abs(d), mul(d, d)), weight));
  const kl = gaussianKl(
    mu,
    logvar,
    mu.shape.reduce((a, b) => a * b, 1),
  );
  return { loss: add(rec, mul(kl, klWeight)) };
}

function mean(t: Tensor): Tensor {
  return reduceMean(
    t,
    t.shape.map((_, i) => i),
    false,
  );
}

/** 1 where a pixel differs from its frame's background (the median of the four corners), [F·H·W]. */
export function objectMask(clip: Clip): Uint8Array {
  const [, frames, h, w] = clip.shape;
  const plane = h * w;
  const out = new Uint8Array(frames * plane);
  const d = clip.data;
  for (let f = 0; f < frames; f++) {
    // The background is uniform, and objects never cover more than one corner.
    const bg = [0, 1, 2].map((ch) => {
      const base = (ch * frames + f) * plane;
      const v = [d[base], d[base + w - 1], d[base + plane - w], d[base + plane - 1]].sort((a, b) => a - b);
      return (v[1] + v[2]) / 2;
    });
    for (let i = 0; i < plane; i++) {
      let diff = 0;
      for (let ch = 0; ch < 3; ch++) diff = Math.max(diff, Math.abs(d[(ch * frames + f) * plane + i] - bg[ch]));
      out[f * plane + i] = diff > 0.06 ? 1 : 0;
    }
  }
  return out;
}

/** Per-pixel loss weights: 1 + objectWeight on object pixels, normalised to mean 1. */
export function objectWeights(clip: Clip, objectWeight: number): Float32Array {
  const mask = objectMask(clip);
  const out = Float32Array.from(mask, (m) => 1 + objectWeight * m);
  const sum = out.reduce((a, b) => a + b, 0);
  const scale = out.length / sum;
  for (let i = 0; i < out.length; i++) out[i] *= scale;
  return out;
}

/** Crops frames [f0, f1) of [3, F, H, W] at (y0, x0) to size × size, into `out` at frame `at` of `outFrames`. */
function cropInto(
  clip: Clip,
  f0: number,
  f1: number,
  y0: number,
  x0: number,
  size: number,
  out: Float32Array,
  at: number,
  outFrames: number,
): void {
  const [, frames, h, w] = clip.shape;
  for (let c = 0; c < 3; c++) {
    for (let f = f0; f < f1; f++) {
      for (let y = 0; y < size; y++) {
        const src = ((c * frames + f) * h + y0 + y) * w + x0;
        out.set(clip.data.subarray(src, src + size), ((c * outFrames + at + f - f0) * size + y) * size);
      }
    }
  }
}

/**
 * Top-left corner of a size × size crop centred (± size/4, from `rng`) on the
 * centroid of the non-background pixels of frames [f0, f1): objects are small, so
 * crops that show them teach far more per pixel than random ones.
 */
export function objectCrop(clip: Clip, f0: number, f1: number, size: number, rng: TrainRng): [number, number] {
  const [, , h, w] = clip.shape;
  const mask = objectMask(clip);
  const plane = h * w;
  let sx = 0;
  let sy = 0;
  let n = 0;
  for (let f = f0; f < f1; f++) {
    for (let i = 0; i < plane; i++) {
      if (!mask[f * plane + i]) continue;
      sx += i % w;
      sy += Math.floor(i / w);
      n++;
    }
  }
  const cx = n ? sx / n : w / 2;
  const cy = n ? sy / n : h / 2;
  const jitter = () => (rng.uniform() - 0.5) * (size / 2);
  const clamp = (v: number, hi: number) => Math.min(Math.max(Math.round(v), 0), hi);
  return [clamp(cy + jitter() - size / 2, h - size), clamp(cx + jitter() - size / 2, w - size)];
}

export class VaeTrainer implements TrainableModel<VaeExample> {
  readonly config: WanVaeConfig;
  readonly #opts: VaeTrainOptions;
  readonly #runner: GradRunner;

  constructor(config: WanVaeConfig, opts: VaeTrainOptions) {
    if (opts.crop !== undefined && (opts.crop % 8 !== 0 || opts.crop < 8)) {
      throw new InputError(`VAE training: crop must be a positive multiple of 8, got ${opts.crop}`);
    }
    this.config = config;
    this.#opts = opts;
    this.#runner = new GradRunner(opts.runtime, { device: 'cpu', threads: opts.threads ?? 1 });
  }

  /** Per clip: a crop position and the latent noise from ctx.rng; gradients averaged over the batch. */
  async lossAndGrads(params: Weights, batch: readonly VaeExample[], ctx: StepContext): Promise<LossAndGrads> {
    const c = this.config;
    const kl = this.#opts.klWeight ?? 1e-4;
    const acc = new Map<string, Float32Array>();
    let loss = 0;
    for (const ex of batch) {
      const [, frames, h, w] = ex.clip.shape;
      const images = this.#opts.images ?? false;
      const size = Math.min(this.#opts.crop ?? Math.min(h, w), h, w);
      let data = ex.clip.data;
      if (size < h || size < w) {
        data = new Float32Array(3 * frames * size * size);
        // images: each frame is its own crop; clips: one crop for all frames
        const spans = images ? Array.from({ length: frames }, (_, f) => [f, f + 1]) : [[0, frames]];
        for (const [f0, f1] of spans) {
          const [y0, x0] = objectCrop(ex.clip, f0, f1, size, ctx.rng);
          cropInto(ex.clip, f0, f1, y0, x0, size, data, f0, frames);
        }
      }
      const clip = { shape: [3, frames, size, size], data };
      const [t, lh, lw] = exampleGrid(c, frames, size, size, images);
      const inputs = {
        x: HostTensor.f32([1, 3, frames, size, size], data),
        weight: HostTensor.f32([1, 1, frames, size, size], objectWeights(clip, this.#opts.objectWeight ?? 4)),
        eps: HostTensor.f32(
          [1, c.zDim, t, lh, lw],
          this.#opts.sample === false ? new Float32Array(c.zDim * t * lh * lw) : ctx.rng.normals(c.zDim * t * lh * lw),
        ),
      };
      const r = await this.#runner.run(
        `vae:${images ? 'images' : 'clip'}:${frames}x${size}x${size}`,
        (g) => buildVaeLossGraph(g, c, frames, size, size, kl, images),
        inputs,
        params,
        ctx.trainable,
        ctx.signal,
      );
      loss += r.loss;
      accumulateGrads(acc, r.grads, ctx.trainable);
    }
    scaleGrads(acc, 1 / batch.length);
    const grads = new Map<string, HostTensor>();
    for (const [k, v] of acc) grads.set(k, new HostTensor('float32', (params.get(k) as HostTensor).shape, v));
    return { loss: loss / batch.length, grads };
  }

  async dispose(): Promise<void> {
    await this.#runner.dispose();
  }
}
