// MP4 (H.264 Baseline, yuv420p) without ffmpeg: h264-mp4-encoder, x264 + mp4v2
// compiled to wasm. It encodes into an in-memory Emscripten file system that all
// encoder instances share, so each output gets a unique name there and is
// unlinked as soon as its bytes are copied out.
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { InputError } from '../engine/errors.js';
import type { RgbFrame } from './frame.js';
import type { FrameSink } from './frame-sink.js';
import { MediaError } from './media-error.js';

type Hme = typeof import('h264-mp4-encoder');
type Encoder = Awaited<ReturnType<Hme['createH264MP4Encoder']>>;

/**
 * Loads the CommonJS package synchronously. Its Emscripten glue registers process-wide
 * 'uncaughtException' and 'unhandledRejection' handlers (the latter aborts the wasm
 * runtime and rethrows); loading synchronously lets us remove exactly those handlers
 * so the host application keeps its own error handling.
 */
function loadHme(): Hme {
  const uncaught = new Set(process.listeners('uncaughtException'));
  const rejection = new Set(process.listeners('unhandledRejection'));
  const hme = createRequire(import.meta.url)('h264-mp4-encoder') as Hme;
  for (const l of process.listeners('uncaughtException')) {
    if (!uncaught.has(l)) process.removeListener('uncaughtException', l);
  }
  for (const l of process.listeners('unhandledRejection')) {
    if (!rejection.has(l)) process.removeListener('unhandledRejection', l);
  }
  return hme;
}

export interface WasmSinkSpec {
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  /** x264 quantiser 10..51 (lower is better). */
  readonly qp: number;
  readonly outPath: string;
  readonly what: string;
}

/** Encodes with the wasm x264; the MP4 is written to `outPath` by finish(). */
export class WasmH264Sink implements FrameSink {
  readonly codec = 'h264';
  readonly pixelFormat = 'yuv420p';
  readonly encoder = 'wasm-x264';
  private readonly rgba: Uint8Array;
  private hme: Encoder | undefined;

  private constructor(
    private readonly spec: WasmSinkSpec,
    encoder: Encoder,
  ) {
    this.hme = encoder;
    this.rgba = new Uint8Array(spec.width * spec.height * 4).fill(255);
  }

  static async create(spec: WasmSinkSpec): Promise<WasmH264Sink> {
    if (!Number.isInteger(spec.fps)) {
      throw new InputError(
        `writing mp4 '${spec.what}': the wasm H.264 encoder supports whole frame rates only, got fps ${spec.fps}; ` +
          'install ffmpeg or use an integer fps',
      );
    }
    if (spec.width % 2 !== 0 || spec.height % 2 !== 0) {
      throw new InputError(`writing mp4 '${spec.what}': H.264 needs even sizes, got ${spec.width}×${spec.height}`);
    }
    const encoder = await loadHme().createH264MP4Encoder();
    try {
      encoder.outputFilename = `wanjs-${randomUUID()}.mp4`;
      encoder.width = spec.width;
      encoder.height = spec.height;
      encoder.frameRate = spec.fps;
      encoder.quantizationParameter = spec.qp;
      encoder.speed = 5;
      encoder.groupOfPictures = Math.max(1, Math.round(spec.fps * 2));
      encoder.initialize();
    } catch (e) {
      encoder.delete();
      throw new MediaError(`writing mp4 '${spec.what}': the wasm H.264 encoder failed to start: ${String(e)}`, {
        cause: e,
      });
    }
    return new WasmH264Sink(spec, encoder);
  }

  async write(frame: RgbFrame): Promise<void> {
    const enc = this.live();
    const src = frame.data;
    const dst = this.rgba;
    for (let i = 0, j = 0; i < src.length; i += 3, j += 4) {
      dst[j] = src[i];
      dst[j + 1] = src[i + 1];
      dst[j + 2] = src[i + 2];
    }
    enc.addFrameRgba(dst);
  }

  async finish(): Promise<void> {
    const enc = this.live();
    let bytes: Uint8Array;
    try {
      enc.finalize();
      bytes = enc.FS.readFile(enc.outputFilename);
    } catch (e) {
      throw new MediaError(`writing mp4 '${this.spec.what}': the wasm H.264 encoder failed: ${String(e)}`, {
        cause: e,
      });
    } finally {
      this.release();
    }
    await writeFile(this.spec.outPath, bytes);
  }

  async abort(): Promise<void> {
    this.release();
  }

  private live(): Encoder {
    if (!this.hme) throw new MediaError(`writing mp4 '${this.spec.what}': the encoder was already closed`);
    return this.hme;
  }

  /** Frees the wasm encoder and its in-memory output file. */
  private release(): void {
    const enc = this.hme;
    if (!enc) return;
    this.hme = undefined;
    try {
      enc.FS.unlink(enc.outputFilename);
    } catch {
      // Nothing was written yet.
    }
    enc.delete();
  }
}
