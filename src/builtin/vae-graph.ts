// The Wan2.1 VAE as one differentiable graph over a whole clip, for training.
// Inference runs the VAE chunk by chunk with the feature caches passed between
// graph runs (src/models/wan/vae/model.ts); here the same chunk code is unrolled
// inside one graph and each chunk's caches are wired straight into the next
// chunk, so the trained function is exactly the one the chunked runner computes.
import { InputError } from '../engine/errors.js';
import type { Graph } from '../engine/graph/graph.js';
import type { Tensor } from '../engine/graph/tensor.js';
import { Scope } from '../engine/nn/scope.js';
import { add, exp, maximum, minimum, mul } from '../engine/ops/elementwise.js';
import { concat, slice } from '../engine/ops/movement.js';
import { causalConv3d } from '../models/wan/vae/causal-conv.js';
import { ChunkIo } from '../models/wan/vae/chunk-io.js';
import { CHUNK_FRAMES, spatialCompression, temporalCompression, type WanVaeConfig } from '../models/wan/vae/config.js';
import { decoder21 } from '../models/wan/vae/decoder21.js';
import { encoder21 } from '../models/wan/vae/encoder21.js';
import { plainBlocks } from '../models/wan/vae/plain-blocks.js';

/** A ChunkIo whose caches are tensors of the same graph: the previous chunk's outputs. */
class ChainedIo extends ChunkIo {
  readonly #prev: ReadonlyMap<string, Tensor> | undefined;
  /** Caches this chunk leaves for the next one. */
  readonly next = new Map<string, Tensor>();

  constructor(graph: Graph, prev: ReadonlyMap<string, Tensor> | undefined) {
    super(graph, prev === undefined);
    this.#prev = prev;
  }

  override cacheIn(key: string, shape: readonly number[]): Tensor | undefined {
    if (!this.#prev) return undefined;
    const t = this.#prev.get(key);
    if (!t) throw new InputError(`VAE training graph: no cache '${key}' from the previous chunk`);
    if (t.shape.join() !== shape.join()) {
      throw new InputError(`VAE training graph: cache '${key}' is [${t.shape}], the chunk expects [${shape}]`);
    }
    return t;
  }

  override cacheOut(key: string, t: Tensor): void {
    this.next.set(key, t);
  }
}

/** Latent grid of a clip: [frames, height, width] in latent units. */
export function latentGrid(c: WanVaeConfig, frames: number, height: number, width: number): [number, number, number] {
  if ((frames - 1) % CHUNK_FRAMES !== 0) throw new InputError(`VAE: frame count ${frames} is not 1 + 4k`);
  const s = spatialCompression(c);
  return [1 + ((frames - 1) / CHUNK_FRAMES) * (CHUNK_FRAMES / temporalCompression(c)), height / s, width / s];
}

/** The encoder over a whole clip x [1, 3, F, H, W]: the conv1 moments [1, 2z, T, h, w] (raw, unnormalised). */
export function encodeClipGraph(g: Graph, c: WanVaeConfig, x: Tensor): Tensor {
  const root = new Scope(g);
  const frames = x.shape[2];
  const chunks = 1 + (frames - 1) / CHUNK_FRAMES;
  let prev: ReadonlyMap<string, Tensor> | undefined;
  const moments: Tensor[] = [];
  for (let i = 0; i < chunks; i++) {
    const f0 = i === 0 ? 0 : 1 + (i - 1) * CHUNK_FRAMES;
    const n = i === 0 ? 1 : CHUNK_FRAMES;
    const io = new ChainedIo(g, prev);
    const enc = encoder21(root.at('encoder'), plainBlocks(io), slice(x, 2, f0, f0 + n), c);
    moments.push(causalConv3d(root.at('conv1'), undefined, enc, 2 * c.zDim, 2 * c.zDim, [1, 1, 1]));
    prev = io.next;
  }
  return moments.length === 1 ? moments[0] : concat(moments, 2);
}

/** The decoder over a whole raw latent z [1, z, T, h, w]: video [1, 3, 1 + 4(T−1), H, W] (unclamped). */
export function decodeClipGraph(g: Graph, c: WanVaeConfig, z: Tensor): Tensor {
  const root = new Scope(g);
  const x = causalConv3d(root.at('conv2'), undefined, z, c.zDim, c.zDim, [1, 1, 1]);
  let prev: ReadonlyMap<string, Tensor> | undefined;
  const frames: Tensor[] = [];
  for (let i = 0; i < z.shape[2]; i++) {
    const io = new ChainedIo(g, prev);
    frames.push(decoder21(root.at('decoder'), plainBlocks(io), slice(x, 2, i, i + 1), c));
    prev = io.next;
  }
  return frames.length === 1 ? frames[0] : concat(frames, 2);
}

/**
 * T independent images through the first-chunk path of encoder and decoder, in one
 * graph: x [1, 3, T, H, W] → moments [1, 2z, T, h, w]. Each image is its own first
 * chunk (no caches in, none passed on), so the images stay independent whatever the
 * causal convs' history taps hold: once clips have trained those taps, a stack of
 * frames through one chunk would let each image see the ones before it.
 */
export function encodeImagesGraph(g: Graph, c: WanVaeConfig, x: Tensor): Tensor {
  const root = new Scope(g);
  const moments: Tensor[] = [];
  for (let i = 0; i < x.shape[2]; i++) {
    const enc = encoder21(root.at('encoder'), plainBlocks(new ChainedIo(g, undefined)), slice(x, 2, i, i + 1), c);
    moments.push(causalConv3d(root.at('conv1'), undefined, enc, 2 * c.zDim, 2 * c.zDim, [1, 1, 1]));
  }
  return moments.length === 1 ? moments[0] : concat(moments, 2);
}

/** The decoder's first-chunk path over T independent latent frames z [1, z, T, h, w] → [1, 3, T, H, W]. */
export function decodeImagesGraph(g: Graph, c: WanVaeConfig, z: Tensor): Tensor {
  const root = new Scope(g);
  const x = causalConv3d(root.at('conv2'), undefined, z, c.zDim, c.zDim, [1, 1, 1]);
  const frames: Tensor[] = [];
  for (let i = 0; i < z.shape[2]; i++) {
    frames.push(decoder21(root.at('decoder'), plainBlocks(new ChainedIo(g, undefined)), slice(x, 2, i, i + 1), c));
  }
  return frames.length === 1 ? frames[0] : concat(frames, 2);
}

/** Splits moments into mu and a log-variance clamped as upstream's DiagonalGaussian does ([-30, 20]). */
export function splitMoments(moments: Tensor, zDim: number): { mu: Tensor; logvar: Tensor } {
  const mu = slice(moments, 1, 0, zDim);
  const logvar = minimum(maximum(slice(moments, 1, zDim, 2 * zDim), -30), 20);
  return { mu, logvar };
}

/** z = mu + exp(logvar / 2)·eps (the reparameterised sample). */
export function sampleLatent(mu: Tensor, logvar: Tensor, eps: Tensor): Tensor {
  return add(mu, mul(exp(mul(logvar, 0.5)), eps));
}
