// The per-chunk state of a VAE graph. Each chunk of frames runs one compiled
// graph; the official code's feature caches become graph inputs (`cache_in.<key>`)
// and the updated caches graph outputs (`cache_out.<key>`), keyed by the weight
// path of the module that owns them, so the same compiled graph serves every
// chunk and memory does not grow with the clip length.
import type { Graph } from '../../../engine/graph/graph.js';
import type { Tensor } from '../../../engine/graph/tensor.js';

export const CACHE_IN = 'cache_in.';
export const CACHE_OUT = 'cache_out.';

/** Frames kept by every temporal kernel-3 cache (CACHE_T upstream). */
export const CACHE_FRAMES = 2;

export class ChunkIo {
  readonly graph: Graph;
  /** The first chunk of a clip: no caches exist yet, resamplers take their first-frame paths. */
  readonly first: boolean;
  /** Extra outputs for parity (`inter.*`). */
  readonly taps: boolean;

  constructor(graph: Graph, first: boolean, taps = false) {
    this.graph = graph;
    this.first = first;
    this.taps = taps;
  }

  /** The cache written by the previous chunk, or undefined on the first chunk. */
  cacheIn(key: string, shape: readonly number[]): Tensor | undefined {
    if (this.first) return undefined;
    return this.graph.input(CACHE_IN + key, 'float32', shape);
  }

  /** Declares the cache the next chunk will read. */
  cacheOut(key: string, t: Tensor): void {
    this.graph.output(CACHE_OUT + key, t);
  }

  tap(name: string, t: Tensor): void {
    if (this.taps) this.graph.output(name, t);
  }
}
