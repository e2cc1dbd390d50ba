// Toy data and a tiny DiT configuration for smoke-training the trainer: a fixed
// set of small structured latents (per-channel plane waves), each paired with
// its own random context vectors, so the model must read the context to denoise.
import { HostTensor } from '../engine/host-tensor.js';
import type { WanDitConfig } from '../models/wan/dit/config.js';
import type { DitExample } from './dit-flow.js';
import { TrainRng } from './rng.js';
import type { Dataset } from './types.js';

/** A tiny Wan2.1-style t2v DiT (about 40k parameters at the defaults). */
export function tinyDitConfig(o: Partial<WanDitConfig> = {}): WanDitConfig {
  return {
    version: '2.1',
    modelType: 't2v',
    patchSize: [1, 2, 2],
    textLen: 4,
    inDim: 4,
    outDim: 4,
    dim: 32,
    ffnDim: 64,
    freqDim: 32,
    textDim: 16,
    numHeads: 2,
    numLayers: 2,
    qkNorm: true,
    crossAttnNorm: true,
    eps: 1e-6,
    ...o,
  };
}

export interface ToyDitDataOptions {
  readonly count: number;
  /** Latent grid [F, H, W]. */
  readonly grid: readonly [number, number, number];
  readonly channels: number;
  readonly textDim: number;
  /** Context tokens per example (≤ text_len). */
  readonly contextTokens: number;
  readonly seed?: number;
}

/** Structured latents: each channel a plane wave with random integer frequencies, phase and amplitude. */
export function toyLatent(rng: TrainRng, channels: number, grid: readonly [number, number, number]): HostTensor {
  const [F, H, W] = grid;
  const data = new Float32Array(channels * F * H * W);
  for (let c = 0; c < channels; c++) {
    const ff = rng.int(2);
    const fh = rng.int(3);
    const fw = rng.int(3);
    const ph = 2 * Math.PI * rng.uniform();
    const amp = 0.8 + 0.8 * rng.uniform();
    const off = rng.normal() * 0.5;
    for (let f = 0; f < F; f++) {
      for (let h = 0; h < H; h++) {
        for (let w = 0; w < W; w++) {
          const a = 2 * Math.PI * ((ff * f) / Math.max(F, 1) + (fh * h) / H + (fw * w) / W) + ph;
          data[((c * F + f) * H + h) * W + w] = off + amp * Math.sin(a);
        }
      }
    }
  }
  return HostTensor.f32([channels, F, H, W], data);
}

/** `count` examples of (structured latent, unique random context). */
export function toyDitData(o: ToyDitDataOptions): DitExample[] {
  const rng = new TrainRng(o.seed ?? 1);
  return Array.from({ length: o.count }, () => ({
    latent: toyLatent(rng, o.channels, o.grid),
    context: HostTensor.f32([o.contextTokens, o.textDim], rng.normals(o.contextTokens * o.textDim)),
  }));
}

/** An in-memory Dataset over an array. */
export function arrayDataset<T>(items: readonly T[]): Dataset<T> {
  return { length: items.length, get: (i) => items[i] };
}
