// The DiT's training set: shapes-world clips rendered and encoded once by the
// trained VAE (through the same chunked runner inference uses), cached on disk.
import { existsSync } from 'node:fs';
import { throwIfAborted } from '../engine/errors.js';
import { HostTensor } from '../engine/host-tensor.js';
import { readSafetensors, writeSafetensors } from '../engine/weights/safetensors.js';
import type { WanVae } from '../models/wan/vae/model.js';
import { datasetSample } from '../world/dataset.js';

export interface LatentSetOptions {
  /** Data-set seed (the world's `datasetSample` key). */
  readonly seed: string;
  readonly count: number;
  readonly frames: number;
  readonly width: number;
  readonly height: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number) => void;
}

/** Encoded clips [N, z, T, h, w]; clip i is `datasetSample({seed, split: 'train'}, i)`. */
export interface LatentSet {
  readonly seed: string;
  readonly latents: HostTensor<'float32'>;
}

/** Renders and encodes `count` training clips (raw latents: the VAE's normalisation applies). */
export async function encodeLatentSet(vae: WanVae, o: LatentSetOptions): Promise<LatentSet> {
  let out: Float32Array | undefined;
  let shape: readonly number[] = [];
  for (let i = 0; i < o.count; i++) {
    throwIfAborted(o.signal);
    const item = datasetSample({ seed: o.seed, split: 'train', frames: o.frames, width: o.width, height: o.height }, i);
    const clip = item.clip as { shape: readonly number[]; data: Float32Array };
    const lat = await vae.encode(HostTensor.f32(clip.shape, clip.data), { signal: o.signal });
    if (!out) {
      shape = lat.shape;
      out = new Float32Array(o.count * lat.size);
    }
    out.set(lat.data, i * lat.size);
    o.onProgress?.(i + 1, o.count);
  }
  return { seed: o.seed, latents: HostTensor.f32([o.count, ...shape], out ?? new Float32Array(0)) };
}

/** Saves a latent set (with what identifies it) as safetensors. */
export async function saveLatentSet(path: string, set: LatentSet, key: string): Promise<void> {
  await writeSafetensors(path, { latents: set.latents }, { seed: set.seed, key });
}

/** Loads a cached latent set if it exists and was made with the same `key`, else undefined. */
export async function loadLatentSet(path: string, key: string): Promise<LatentSet | undefined> {
  if (!existsSync(path)) return undefined;
  const { metadata, tensors } = await readSafetensors(path);
  const latents = tensors.get('latents');
  if (metadata.key !== key || !latents || latents.dtype !== 'float32') return undefined;
  return { seed: metadata.seed, latents: latents as HostTensor<'float32'> };
}

/** Latent i of a set as its own tensor [z, T, h, w] (a view). */
export function latentAt(set: LatentSet, i: number): HostTensor<'float32'> {
  const per = set.latents.shape.slice(1);
  const size = per.reduce((a, b) => a * b, 1);
  return HostTensor.f32(per, set.latents.data.subarray(i * size, (i + 1) * size));
}
