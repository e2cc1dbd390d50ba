// WanVae: chunked encode/decode of the Wan 2.1 / 2.2 VAE over host tensors.
// The clip is cut as upstream does (frame 0 alone, then chunks of 4 frames to
// encode; one latent frame at a time to decode); each chunk runs one of two
// compiled graphs (first / later chunk) with the feature caches passed from one
// run to the next, so memory stays flat however long the clip is.
import { InputError, throwIfAborted } from '../../../engine/errors.js';
import { Graph } from '../../../engine/graph/graph.js';
import { HostTensor, shapeText, toFloat32 } from '../../../engine/host-tensor.js';
import { checkWeights, declaredParams, Program, type Weights } from '../../../engine/program.js';
import type { Device, Runtime } from '../../../engine/runtime/runtime.js';
import { CACHE_IN, CACHE_OUT } from './chunk-io.js';
import {
  CHUNK_FRAMES,
  spatialCompression,
  temporalCompression,
  temporalUpsampling,
  type WanVaeConfig,
} from './config.js';
import { buildDerivedGraph, type Recipe } from './derived-params.js';
import { buildDecodeChunkGraph, buildEncodeChunkGraph, type ChunkShape, chunkKey, type VaeLayout } from './graph.js';
import { blendInto, cropClip, pasteFrames, weightSum } from './host-frames.js';
import { probeNchwcBlock } from './layout-probe.js';
import { rampWeights, type Span, spans, tileLayout, type VaeTile } from './tiling.js';

export interface VaeCallOptions {
  readonly signal?: AbortSignal;
  /** Called after every graph run (one chunk of one tile). */
  readonly onProgress?: (done: number, total: number) => void;
  /** Spatial tiling (pixel units, multiples of the spatial compression); see docs/vae.md. */
  readonly tile?: VaeTile;
}

export interface VaeDecodeOptions extends VaeCallOptions {
  /** Return the raw decoder output instead of clamping to [-1, 1] (as `WanVAE.decode` does). */
  readonly raw?: boolean;
}

/** A run of decoded frames: `frames` is [3, n, H, W], frames [start, start+n) of the clip. */
export interface DecodedChunk {
  readonly start: number;
  readonly frames: HostTensor<'float32'>;
}

export interface EncodeDetails {
  /** Normalised latent [z_dim, T, h, w]. */
  readonly latent: HostTensor<'float32'>;
  /** The encoder output of every chunk, [1, 2·z_dim, t, h, w] (untiled encodes only). */
  readonly encoderChunks: HostTensor<'float32'>[];
  /** The top-level conv1 output (mu and log-var), [1, 2·z_dim, T, h, w] (untiled encodes only). */
  readonly moments?: HostTensor<'float32'>;
}

interface TileJob {
  /** Input window (input units). */
  readonly y: Span;
  readonly x: Span;
  readonly wy: Float32Array;
  readonly wx: Float32Array;
  caches: Record<string, HostTensor> | undefined;
}

/** Graph sessions one model needs untiled (encode and decode, first and later chunk); tiling doubles it. */
export const VAE_SESSIONS = 4;

export interface WanVaeOptions {
  /** Activation layout of the graphs (default plain); see `WanVae.create` for automatic choice. */
  readonly layout?: VaeLayout;
  /**
   * Blocked layout only: lay the filters out once, with a short-lived session on this
   * runtime, instead of in every chunk graph (faster; keeps a re-laid-out copy of the
   * encoder/decoder weights, so the caller may drop its own map).
   */
  readonly prepare?: { readonly runtime: Runtime; readonly device: Device; readonly threads?: number };
}

export interface WanVaeCreateOptions {
  readonly device: Device;
  readonly threads?: number;
  /**
   * 'auto' (default): NCHWc blocks on the CPU when ONNX Runtime has the kernels, else plain.
   * 'plain': standard ONNX Conv everywhere (the only choice on other devices).
   */
  readonly layout?: 'auto' | 'plain';
}

const PLAIN: VaeLayout = { kind: 'plain' };

export class WanVae {
  readonly config: WanVaeConfig;
  readonly layout: VaeLayout;
  readonly #weights: Weights;
  readonly #program: Program;
  readonly #prepare: WanVaeOptions['prepare'];
  #ownsProgram: boolean;
  /** Weights plus the prepared (re-laid-out) tensors, when preparation is on. */
  #feeds: Weights;
  readonly #prepared = new Set<'enc' | 'dec'>();

  /**
   * `weights`: official key names (`encoder.*`, `decoder.*`, `conv1.*`, `conv2.*`), float32.
   * `program`: give it `maxSessions` >= VAE_SESSIONS (2× with tiling) so chunk graphs are not recompiled.
   */
  constructor(config: WanVaeConfig, weights: Weights, program: Program, opts: WanVaeOptions = {}) {
    checkWeights(WanVae.declaredParams(config), weights);
    this.config = config;
    this.layout = opts.layout ?? { kind: 'plain' };
    this.#weights = weights;
    this.#feeds = weights;
    this.#program = program;
    this.#prepare = this.layout.kind === 'blocked' ? opts.prepare : undefined;
    this.#ownsProgram = false;
  }

  /**
   * A VAE with its own program (sessions for encode and decode, tiled or not) and the
   * fastest layout this device supports. Call `dispose()` when done.
   */
  static async create(
    runtime: Runtime,
    config: WanVaeConfig,
    weights: Weights,
    opts: WanVaeCreateOptions,
  ): Promise<WanVae> {
    const program = new Program(runtime, { device: opts.device, threads: opts.threads, maxSessions: 2 * VAE_SESSIONS });
    let layout: VaeLayout = { kind: 'plain' };
    if (opts.device === 'cpu' && (opts.layout ?? 'auto') === 'auto') {
      const block = await probeNchwcBlock(program);
      if (block) layout = { kind: 'blocked', block };
    }
    const prepare = { runtime, device: opts.device, threads: opts.threads };
    const vae = new WanVae(config, weights, program, { layout, prepare });
    vae.#ownsProgram = true;
    return vae;
  }

  /** Releases the sessions when this VAE created its program (`create`); otherwise a no-op. */
  async dispose(): Promise<void> {
    if (this.#ownsProgram) await this.#program.dispose();
  }

  /** Parameter names and shapes of this config (official checkpoint key names). */
  static declaredParams(c: WanVaeConfig): Map<string, readonly number[]> {
    const s = spatialCompression(c);
    const enc = declaredParams((g: Graph) =>
      buildEncodeChunkGraph(g, c, { layout: PLAIN, first: false, frames: CHUNK_FRAMES, height: s, width: s }),
    );
    const dec = declaredParams((g: Graph) =>
      buildDecodeChunkGraph(g, c, { layout: PLAIN, first: false, frames: 1, height: 1, width: 1 }),
    );
    return new Map([...enc, ...dec]);
  }

  /** video [3, F, H, W] in [-1, 1], F = 1 + 4k → normalised latent [z_dim, 1 + k·4/t, H/s, W/s]. */
  async encode(video: HostTensor, opts: VaeCallOptions = {}): Promise<HostTensor<'float32'>> {
    return (await this.encodeDetailed(video, opts)).latent;
  }

  /** `encode` plus the per-chunk encoder outputs and the conv1 moments (for parity checks). */
  async encodeDetailed(video: HostTensor, opts: VaeCallOptions = {}): Promise<EncodeDetails> {
    const c = this.config;
    const v = toFloat32(video.shape.length === 5 && video.shape[0] === 1 ? video.reshape(video.shape.slice(1)) : video);
    const [ch, frames, height, width] = v.shape;
    if (v.shape.length !== 4 || ch !== 3)
      throw new InputError(`VAE encode: video must be [3, F, H, W] (RGB in [-1, 1]), got ${shapeText(video.shape)}`);
    if ((frames - 1) % CHUNK_FRAMES !== 0)
      throw new InputError(
        `VAE encode: frame count ${frames} is not 1 + 4k (the VAE encodes frame 0 alone, then chunks of 4; e.g. ${1 + CHUNK_FRAMES * Math.max(0, Math.floor((frames - 1) / CHUNK_FRAMES))} or ${1 + CHUNK_FRAMES * Math.ceil(Math.max(0, frames - 1) / CHUNK_FRAMES)})`,
      );
    const s = spatialCompression(c);
    this.#checkDivisible('encode', 'height', height, s);
    this.#checkDivisible('encode', 'width', width, s);

    const layout = opts.tile
      ? tileLayout('VAE encode', opts.tile, height, width, 1, s)
      : { rows: spans(height, height, 0), cols: spans(width, width, 0) };
    const jobs = this.#jobs(layout.rows, layout.cols, 1 / s);
    const tiled = jobs.length > 1;
    const [lh, lw] = [height / s, width / s];
    const chunks = 1 + (frames - 1) / CHUNK_FRAMES;
    const latentFrames = 1 + ((frames - 1) / CHUNK_FRAMES) * (CHUNK_FRAMES / temporalCompression(c));
    const z = c.zDim;
    const out = new Float32Array(z * latentFrames * lh * lw);
    const wsum = tiled ? weightSum(lh, lw, jobs.map(tileAt)) : undefined;
    const encoderChunks: HostTensor<'float32'>[] = [];
    const moments: Float32Array[] = [];
    let done = 0;
    let t0 = 0;
    for (let i = 0; i < chunks; i++) {
      throwIfAborted(opts.signal);
      const f0 = i === 0 ? 0 : 1 + (i - 1) * CHUNK_FRAMES;
      const n = i === 0 ? 1 : CHUNK_FRAMES;
      let acc: Float32Array | undefined;
      let nOut = 0;
      for (const job of jobs) {
        const shape: ChunkShape = {
          layout: this.layout,
          first: i === 0,
          frames: n,
          height: job.y.size,
          width: job.x.size,
        };
        const x = cropClip(v.data, v.shape, f0, n, job.y.start, job.x.start, job.y.size, job.x.size);
        const res = await this.#run(
          'enc',
          shape,
          { x: HostTensor.f32([1, 3, n, job.y.size, job.x.size], x) },
          job,
          opts,
        );
        const lat = res.latent;
        nOut = lat.shape[2];
        if (!tiled) {
          pasteFrames(out, latentFrames, lat.data as Float32Array, z, nOut, lh * lw, t0, false);
          encoderChunks.push(toFloat32(res.encoder_out));
          moments.push(toFloat32(res.moments).data);
        } else {
          acc ??= new Float32Array(z * nOut * lh * lw);
          blendInto(acc, lh, lw, lat.data as Float32Array, z * nOut, job.y.start / s, job.x.start / s, job.wy, job.wx);
        }
        opts.onProgress?.(++done, chunks * jobs.length);
      }
      if (acc && wsum) pasteFrames(out, latentFrames, normalise(acc, wsum), z, nOut, lh * lw, t0, false);
      t0 += nOut;
    }
    const latent = HostTensor.f32([z, latentFrames, lh, lw], out);
    if (tiled) return { latent, encoderChunks: [] };
    return { latent, encoderChunks, moments: concatTime(moments, 2 * z, lh, lw, latentFrames) };
  }

  /** latent [z_dim, T, h, w] → video [3, 1 + 4(T−1), H, W], clamped to [-1, 1] unless `raw`. */
  async decode(latent: HostTensor, opts: VaeDecodeOptions = {}): Promise<HostTensor<'float32'>> {
    const { frames, height, width } = this.decodedSize(latent);
    const out = new Float32Array(3 * frames * height * width);
    for await (const chunk of this.decodeChunks(latent, opts)) {
      const n = chunk.frames.shape[1];
      pasteFrames(out, frames, chunk.frames.data, 3, n, height * width, chunk.start, false);
    }
    return HostTensor.f32([3, frames, height, width], out);
  }

  /** The video size `decode` returns for a latent of this shape (validates the shape). */
  decodedSize(latent: HostTensor): { frames: number; height: number; width: number } {
    const c = this.config;
    const sh = latent.shape.length === 5 && latent.shape[0] === 1 ? latent.shape.slice(1) : latent.shape;
    if (sh.length !== 4 || sh[0] !== c.zDim)
      throw new InputError(
        `VAE decode: latent must be [${c.zDim}, T, h, w] (z_dim ${c.zDim} of the Wan${c.version} VAE), got ${shapeText(latent.shape)}`,
      );
    if (sh[1] < 1 || sh[2] < 1 || sh[3] < 1)
      throw new InputError(`VAE decode: latent ${shapeText(latent.shape)} has an empty dimension`);
    const s = spatialCompression(c);
    return { frames: 1 + (sh[1] - 1) * temporalUpsampling(c), height: sh[2] * s, width: sh[3] * s };
  }

  /**
   * Decodes chunk by chunk, yielding each run of frames as soon as it is ready (one frame,
   * then 4 per latent frame), so a caller that writes frames out never holds the clip.
   */
  async *decodeChunks(latent: HostTensor, opts: VaeDecodeOptions = {}): AsyncGenerator<DecodedChunk> {
    const c = this.config;
    const { height, width } = this.decodedSize(latent);
    const z = toFloat32(latent.shape.length === 5 ? latent.reshape(latent.shape.slice(1)) : latent);
    const [, tLat, lh, lw] = z.shape;
    const s = spatialCompression(c);
    const layout = opts.tile
      ? tileLayout('VAE decode', opts.tile, lh, lw, s, s)
      : { rows: spans(lh, lh, 0), cols: spans(lw, lw, 0) };
    const jobs = this.#jobs(layout.rows, layout.cols, s);
    const tiled = jobs.length > 1;
    const wsum = tiled ? weightSum(height, width, jobs.map(tileAt)) : undefined;
    let done = 0;
    let start = 0;
    for (let i = 0; i < tLat; i++) {
      throwIfAborted(opts.signal);
      let acc: Float32Array | undefined;
      let n = 0;
      let single: Float32Array | undefined;
      for (const job of jobs) {
        const shape: ChunkShape = {
          layout: this.layout,
          first: i === 0,
          frames: 1,
          height: job.y.size,
          width: job.x.size,
        };
        const zi = cropClip(z.data, z.shape, i, 1, job.y.start, job.x.start, job.y.size, job.x.size);
        const res = await this.#run(
          'dec',
          shape,
          { z: HostTensor.f32([1, c.zDim, 1, job.y.size, job.x.size], zi) },
          job,
          opts,
        );
        const vid = res.video;
        n = vid.shape[2];
        if (!tiled) single = vid.data as Float32Array;
        else {
          acc ??= new Float32Array(3 * n * height * width);
          blendInto(
            acc,
            height,
            width,
            vid.data as Float32Array,
            3 * n,
            job.y.start * s,
            job.x.start * s,
            job.wy,
            job.wx,
          );
        }
        opts.onProgress?.(++done, tLat * jobs.length);
      }
      const data = acc && wsum ? normalise(acc, wsum) : (single as Float32Array);
      if (!opts.raw) clampInPlace(data);
      yield { start, frames: HostTensor.f32([3, n, height, width], data) };
      start += n;
    }
  }

  /** Computes the weight-derived tensors of one graph family once (blocked layout with `prepare`). */
  async #ensurePrepared(kind: 'enc' | 'dec', signal: AbortSignal | undefined): Promise<void> {
    const prep = this.#prepare;
    if (!prep || this.#prepared.has(kind)) return;
    const c = this.config;
    const s = spatialCompression(c);
    const registry = new Map<string, Recipe>();
    for (const first of [true, false]) {
      const g = new Graph();
      if (kind === 'enc')
        buildEncodeChunkGraph(
          g,
          c,
          { layout: this.layout, first, frames: first ? 1 : CHUNK_FRAMES, height: s, width: s },
          registry,
        );
      else buildDecodeChunkGraph(g, c, { layout: this.layout, first, frames: 1, height: 1, width: 1 }, registry);
    }
    // A short-lived program: its session arena would otherwise keep a copy of every filter.
    const program = new Program(prep.runtime, { device: prep.device, threads: prep.threads, maxSessions: 1 });
    try {
      const out = await program.run(
        `vae-prepare-${kind}`,
        (g) => buildDerivedGraph(g, registry),
        {},
        this.#weights,
        signal,
        { lowMemory: true },
      );
      this.#feeds = new Map([...this.#feeds, ...Object.entries(out)]);
    } finally {
      await program.dispose();
    }
    this.#prepared.add(kind);
  }

  #checkDivisible(what: string, name: string, v: number, s: number): void {
    if (v < s || v % s !== 0)
      throw new InputError(
        `VAE ${what}: ${name} ${v} is not a multiple of ${s} (the Wan${this.config.version} VAE compresses ${s}× spatially)`,
      );
  }

  #jobs(rows: readonly Span[], cols: readonly Span[], scale: number): TileJob[] {
    const single = rows.length === 1 && cols.length === 1;
    return rows.flatMap((y) =>
      cols.map((x) => ({
        y,
        x,
        wy: single ? new Float32Array(0) : rampWeights(y, scale),
        wx: single ? new Float32Array(0) : rampWeights(x, scale),
        caches: undefined,
      })),
    );
  }

  async #run(
    kind: 'enc' | 'dec',
    shape: ChunkShape,
    inputs: Record<string, HostTensor>,
    job: TileJob,
    opts: VaeCallOptions,
  ): Promise<Record<string, HostTensor>> {
    const c = this.config;
    await this.#ensurePrepared(kind, opts.signal);
    const registry = this.#prepare ? new Map<string, Recipe>() : undefined;
    const build =
      kind === 'enc'
        ? (g: Graph) => buildEncodeChunkGraph(g, c, shape, registry)
        : (g: Graph) => buildDecodeChunkGraph(g, c, shape, registry);
    const feeds = shape.first ? inputs : { ...inputs, ...job.caches };
    const key = `${chunkKey(kind, c, shape)}${registry ? '-prepared' : ''}`;
    // Chunk activations are hundreds of MB each at video sizes: without the arena they are
    // returned after every chunk instead of accumulating in power-of-two arena extensions.
    const res = await this.#program.run(key, build, feeds, this.#feeds, opts.signal, { lowMemory: true });
    const next: Record<string, HostTensor> = {};
    for (const [k, t] of Object.entries(res))
      if (k.startsWith(CACHE_OUT)) next[CACHE_IN + k.slice(CACHE_OUT.length)] = t;
    job.caches = next;
    return res;
  }
}

function tileAt(j: TileJob): { y0: number; x0: number; wy: Float32Array; wx: Float32Array } {
  const sy = j.wy.length / j.y.size;
  const sx = j.wx.length / j.x.size;
  return { y0: Math.round(j.y.start * sy), x0: Math.round(j.x.start * sx), wy: j.wy, wx: j.wx };
}

/** acc [P, H, W] divided by the per-pixel weight sum [H, W]. */
function normalise(acc: Float32Array, wsum: Float32Array): Float32Array {
  const plane = wsum.length;
  for (let i = 0; i < acc.length; i++) acc[i] /= wsum[i % plane];
  return acc;
}

function clampInPlace(d: Float32Array): void {
  for (let i = 0; i < d.length; i++) {
    const v = d[i];
    d[i] = v < -1 ? -1 : v > 1 ? 1 : v;
  }
}

/** Per-chunk [1, C, t_i, h·w] blocks concatenated along time → [1, C, T, h, w]. */
function concatTime(
  parts: readonly Float32Array[],
  c: number,
  h: number,
  w: number,
  frames: number,
): HostTensor<'float32'> {
  const plane = h * w;
  const out = new Float32Array(c * frames * plane);
  let t0 = 0;
  for (const p of parts) {
    const n = p.length / (c * plane);
    pasteFrames(out, frames, p, c, n, plane, t0, false);
    t0 += n;
  }
  return HostTensor.f32([1, c, frames, h, w], out);
}
