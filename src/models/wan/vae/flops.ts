// FLOPs of a whole VAE encode or decode, counted on the same chunk graphs the model
// runs (plain layout, so no layout-conversion nodes are counted): the first chunk,
// then one chunk per CHUNK_FRAMES video frames (encode) or per latent frame (decode).

import { graphFlops } from '../../../engine/graph/flops.js';
import { Graph } from '../../../engine/graph/graph.js';
import { CHUNK_FRAMES, spatialCompression, temporalCompression, type WanVaeConfig } from './config.js';
import { buildDecodeChunkGraph, buildEncodeChunkGraph, type ChunkShape } from './graph.js';

const PLAIN = { kind: 'plain' } as const;

/** FLOPs (2 per multiply-add) of encoding or decoding `frames` video frames of `height`×`width`. */
export function vaeFlops(
  c: WanVaeConfig,
  kind: 'encode' | 'decode',
  frames: number,
  height: number,
  width: number,
): number {
  const s = spatialCompression(c);
  const chunks = 1 + (frames - 1) / CHUNK_FRAMES;
  const count = (shape: ChunkShape) => {
    const g = new Graph();
    if (kind === 'encode') buildEncodeChunkGraph(g, c, shape);
    else buildDecodeChunkGraph(g, c, shape);
    return graphFlops(g);
  };
  const [h, w] = kind === 'encode' ? [height, width] : [height / s, width / s];
  const perChunk = kind === 'encode' ? CHUNK_FRAMES : CHUNK_FRAMES / temporalCompression(c);
  const first = count({ layout: PLAIN, first: true, frames: 1, height: h, width: w });
  if (chunks === 1) return first;
  return first + (chunks - 1) * count({ layout: PLAIN, first: false, frames: perChunk, height: h, width: w });
}
