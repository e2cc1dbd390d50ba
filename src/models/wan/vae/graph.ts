// The two chunk graphs of the VAE: encode one chunk of frames and decode one
// latent frame, each in a "first chunk" and a "later chunk" flavour. Caches are
// graph inputs/outputs (see chunk-io.ts); latent (de)normalisation, the top-level
// 1×1×1 convs and the 2.2 (un)patchify are inside the graphs.
import type { Graph } from '../../../engine/graph/graph.js';
import { HostTensor } from '../../../engine/host-tensor.js';
import { Scope } from '../../../engine/nn/scope.js';
import { add, div, mul, sub } from '../../../engine/ops/elementwise.js';
import { slice } from '../../../engine/ops/movement.js';
import { blockedBlocks } from './blocked-blocks.js';
import type { VaeBlocks } from './blocks.js';
import { causalConv3d } from './causal-conv.js';
import { ChunkIo } from './chunk-io.js';
import { patchSize, type WanVaeConfig } from './config.js';
import { decoder21 } from './decoder21.js';
import { decoder22 } from './decoder22.js';
import { inlineDerived, preparedDerived, type Recipe } from './derived-params.js';
import { encoder21 } from './encoder21.js';
import { encoder22 } from './encoder22.js';
import { patchify, unpatchify } from './patchify.js';
import { plainBlocks } from './plain-blocks.js';

/** Activation layout of the chunk graphs: plain NCTHW, or NCHWc blocks of `block` channels (CPU). */
export type VaeLayout = { readonly kind: 'plain' } | { readonly kind: 'blocked'; readonly block: number };

export interface ChunkShape {
  readonly layout: VaeLayout;
  readonly first: boolean;
  /** Frames in: video frames (encode) or latent frames (decode). */
  readonly frames: number;
  /** Spatial size of the graph input: pixels (encode) or latent pixels (decode). */
  readonly height: number;
  readonly width: number;
}

export function chunkKey(kind: 'enc' | 'dec', c: WanVaeConfig, s: ChunkShape): string {
  const lay = s.layout.kind === 'plain' ? 'plain' : `nchwc${s.layout.block}`;
  // Every architecture field is in the key: VAEs of different sizes may share one Program. The
  // latent statistics are applied outside the graph, so VAEs differing only in those share graphs.
  const arch = `d${c.dim}-${c.decDim}-z${c.zDim}-m${c.dimMult.join('.')}-r${c.numResBlocks}-t${c.temporalDownsample.map(Number).join('')}`;
  return `vae${c.version}-${arch}-${kind}-${lay}-${s.first ? 'first' : 'next'}-${s.frames}x${s.height}x${s.width}`;
}

/**
 * `registry`: when given, weight-derived tensors of the blocked layout become extra weights
 * (recorded there with their recipes) instead of being computed in the graph.
 */
function makeBlocks(g: Graph, first: boolean, layout: VaeLayout, registry?: Map<string, Recipe>): VaeBlocks {
  const io = new ChunkIo(g, first);
  if (layout.kind === 'plain') return plainBlocks(io);
  return blockedBlocks(io, layout.block, registry ? preparedDerived(g, registry) : inlineDerived(g));
}

/** Per-channel constants [1, C, 1, 1, 1] (float32, as upstream's tensors). */
function channelConst(g: Graph, values: readonly number[], hint: string) {
  return g.constant(HostTensor.f32([1, values.length, 1, 1, 1], values), hint);
}

/** 1/std in float32, as `1.0 / std` on a float32 tensor upstream. */
function invStd(c: WanVaeConfig): number[] {
  return c.latentsStd.map((s) => Math.fround(1 / Math.fround(s)));
}

/**
 * Input `x` [1, 3, T, H, W] in [-1, 1]. Outputs `latent` [1, z, T', h, w] (normalised mu),
 * `moments` (conv1 output, 2z channels), `encoder_out` (the encoder's raw output) and caches.
 */
export function buildEncodeChunkGraph(g: Graph, c: WanVaeConfig, s: ChunkShape, registry?: Map<string, Recipe>): void {
  const root = new Scope(g);
  const blocks = makeBlocks(g, s.first, s.layout, registry);
  const x = g.input('x', 'float32', [1, 3, s.frames, s.height, s.width]);
  const p = patchify(x, patchSize(c));
  const enc = (c.version === '2.2' ? encoder22 : encoder21)(root.at('encoder'), blocks, p, c);
  g.output('encoder_out', enc);
  const moments = causalConv3d(root.at('conv1'), undefined, enc, 2 * c.zDim, 2 * c.zDim, [1, 1, 1]);
  g.output('moments', moments);
  const mu = slice(moments, 1, 0, c.zDim);
  const latent = mul(sub(mu, channelConst(g, c.latentsMean, 'latents_mean')), channelConst(g, invStd(c), 'inv_std'));
  g.output('latent', latent);
}

/** Input `z` [1, z, T, h, w] (normalised). Output `video` [1, 3, T', H, W] (raw, unclamped) and caches. */
export function buildDecodeChunkGraph(g: Graph, c: WanVaeConfig, s: ChunkShape, registry?: Map<string, Recipe>): void {
  const root = new Scope(g);
  const blocks = makeBlocks(g, s.first, s.layout, registry);
  const z = g.input('z', 'float32', [1, c.zDim, s.frames, s.height, s.width]);
  const mu = add(div(z, channelConst(g, invStd(c), 'inv_std')), channelConst(g, c.latentsMean, 'latents_mean'));
  const x = causalConv3d(root.at('conv2'), undefined, mu, c.zDim, c.zDim, [1, 1, 1]);
  const dec = (c.version === '2.2' ? decoder22 : decoder21)(root.at('decoder'), blocks, x, c);
  g.output('video', unpatchify(dec, patchSize(c)));
}
