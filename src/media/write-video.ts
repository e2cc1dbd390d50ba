// writeVideo: pick an encoder, stream frames into a temporary output next to the
// target, then rename it into place and write the sidecar. Any failure or abort
// stops the encoder (killing ffmpeg) and removes the partial output.
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { InputError } from '../engine/errors.js';
import { cancelled } from './abort.js';
import { type FfmpegLocator, ffmpegOnPath } from './ffmpeg.js';
import { FfmpegSink } from './ffmpeg-sink.js';
import type { RgbFrame } from './frame.js';
import type { FrameSink } from './frame-sink.js';
import { FrameReader, type FrameSource } from './frame-source.js';
import { type GifPalette, GifSink } from './gif-sink.js';
import { MediaError } from './media-error.js';
import { evenCeil, padToEven } from './pad-even.js';
import { PngSink } from './png-sink.js';
import { type VideoSidecar, writeSidecar } from './sidecar.js';
import { type VideoFormat, videoFormatFor } from './video-format.js';
import { WasmH264Sink } from './wasm-h264-sink.js';

/** Which H.264 encoder writes MP4: ffmpeg if found ('auto'), ffmpeg only, or the wasm x264. */
export type VideoEncoder = 'auto' | 'ffmpeg' | 'wasm';

export interface WriteVideoOptions {
  /** Output file (.mp4, .webm, .gif) or folder (PNG frames). Parent folders are created. */
  readonly path: string;
  /** Overrides the format implied by the extension. */
  readonly format?: VideoFormat;
  /** Frames per second (Wan2.1: 16, Wan2.2 TI2V-5B: 24). */
  readonly fps: number;
  /** MP4 only: 'auto' (default) uses ffmpeg when `locateFfmpeg` finds it, else the wasm encoder. */
  readonly encoder?: VideoEncoder;
  /** Generation settings (prompt, seed, model, ...): stored in the sidecar and, via ffmpeg, in the container's comment tag. */
  readonly metadata?: Readonly<Record<string, string>>;
  /** Write `<path>.json` describing the output (default true). */
  readonly sidecar?: boolean;
  /** Quality: x264 CRF (default 18) / VP9 CRF (default 32); the wasm encoder uses it as its quantiser (10..51). */
  readonly crf?: number;
  /** GIF colours: one palette for the whole clip (default) or one per frame. */
  readonly gifPalette?: GifPalette;
  /**
   * H.264 needs even sizes. 'pad' (default) adds one column/row repeating the edge
   * (the sidecar records the source size); 'error' refuses odd sizes.
   */
  readonly oddSize?: 'pad' | 'error';
  /** How to find ffmpeg (default: `ffmpeg` on PATH). Inject `noFfmpeg` to force the wasm encoder. */
  readonly locateFfmpeg?: FfmpegLocator;
  readonly signal?: AbortSignal;
}

/** What was written. */
export interface WriteVideoResult extends VideoSidecar {
  readonly path: string;
  /** Absent when `sidecar: false`. */
  readonly sidecarPath?: string;
}

const DEFAULT_CRF: Readonly<Record<'h264' | 'vp9', number>> = { h264: 18, vp9: 32 };

/**
 * Encodes RGB frames to a video file or a PNG frame folder.
 *
 * - MP4: H.264 yuv420p with `+faststart`, BT.709 tagged, through ffmpeg when available
 *   (settings in the `comment` tag as JSON), otherwise the bundled wasm x264 (Baseline).
 *   Odd sizes are padded to even by repeating the last column/row (see `oddSize`).
 * - WebM: VP9 yuv420p, ffmpeg only.
 * - GIF: gifenc, global or per-frame 256-colour palette, looping.
 * - PNG: `<path>/frame-00000.png`, ... via sharp (lossless).
 *
 * Frames may be an array or an (async) iterable, so a decoder can stream them. Output is
 * written to a temporary sibling and renamed into place at the end; on error or abort
 * the encoder is stopped (ffmpeg is killed) and the partial output removed. Abort
 * rejects with CancelledError.
 *
 * @example
 * const frames = latentVideoToFrames(video, [3, 81, 480, 832]);
 * const r = await writeVideo(frames, {
 *   path: 'out/cat.mp4',
 *   fps: 16,
 *   metadata: { prompt: 'a cat surfing', seed: '42', model: 'wan2.1-t2v-1.3b' },
 * });
 * console.log(r.encoder, r.codec, r.width, r.height, r.sidecarPath);
 */
export async function writeVideo(frames: FrameSource, opts: WriteVideoOptions): Promise<WriteVideoResult> {
  const { path, signal } = opts;
  if (typeof path !== 'string' || path.length === 0)
    throw new InputError('writeVideo: path must be a non-empty string');
  const format = videoFormatFor(path, opts.format);
  const what = `writeVideo '${path}'`;
  checkOptions(opts, what);
  const metadata = { ...(opts.metadata ?? {}) };
  if (signal?.aborted) throw cancelled(signal, what);
  await prepareTarget(path, format, what);

  const reader = new FrameReader(frames, what, signal);
  const temp = join(dirname(path), `.${basename(path)}.${randomUUID().slice(0, 8)}.partial`);
  let sink: FrameSink | undefined;
  try {
    const first = await reader.next();
    if (!first) throw new InputError(`${what}: no frames to write`);
    const sourceWidth = first.width;
    const sourceHeight = first.height;
    const pad = format === 'mp4' && (sourceWidth % 2 !== 0 || sourceHeight % 2 !== 0);
    if (pad && opts.oddSize === 'error') {
      throw new InputError(
        `${what}: H.264 yuv420p needs even width and height, frames are ${sourceWidth}×${sourceHeight} (oddSize: 'error')`,
      );
    }
    const width = pad ? evenCeil(sourceWidth) : sourceWidth;
    const height = pad ? evenCeil(sourceHeight) : sourceHeight;
    sink = await openSink(format, { ...opts, metadata }, width, height, temp, what);

    let frame: RgbFrame | undefined = first;
    while (frame) {
      if (signal?.aborted) throw cancelled(signal, what);
      await sink.write(pad ? padToEven(frame) : frame);
      frame = await reader.next();
    }
    if (signal?.aborted) throw cancelled(signal, what);
    await sink.finish();
    if (signal?.aborted) throw cancelled(signal, what);
    if (format === 'png') await rmdir(path).catch(() => {});
    await rename(temp, path);

    const info: VideoSidecar = {
      format,
      codec: sink.codec,
      pixelFormat: sink.pixelFormat,
      encoder: sink.encoder,
      fps: opts.fps,
      frames: reader.count,
      width,
      height,
      sourceWidth,
      sourceHeight,
      metadata,
    };
    const sidecarFile = opts.sidecar === false ? undefined : await writeSidecar(path, info);
    return { ...info, path, ...(sidecarFile ? { sidecarPath: sidecarFile } : {}) };
  } catch (e) {
    await sink?.abort().catch(() => {});
    await rm(temp, { recursive: true, force: true });
    if (signal?.aborted) throw cancelled(signal, what);
    throw e;
  } finally {
    reader.close();
  }
}

function checkOptions(opts: WriteVideoOptions, what: string): void {
  if (typeof opts.fps !== 'number' || !Number.isFinite(opts.fps) || opts.fps <= 0 || opts.fps > 1000) {
    throw new InputError(`${what}: fps must be a number in (0, 1000], got ${String(opts.fps)}`);
  }
  if (opts.encoder !== undefined && !['auto', 'ffmpeg', 'wasm'].includes(opts.encoder)) {
    throw new InputError(`${what}: encoder must be 'auto', 'ffmpeg' or 'wasm', got '${String(opts.encoder)}'`);
  }
  if (opts.crf !== undefined && (!Number.isInteger(opts.crf) || opts.crf < 0 || opts.crf > 63)) {
    throw new InputError(`${what}: crf must be an integer (H.264: 0..51, VP9: 0..63), got ${String(opts.crf)}`);
  }
  if (opts.gifPalette !== undefined && opts.gifPalette !== 'global' && opts.gifPalette !== 'per-frame') {
    throw new InputError(`${what}: gifPalette must be 'global' or 'per-frame', got '${String(opts.gifPalette)}'`);
  }
  for (const [k, v] of Object.entries(opts.metadata ?? {})) {
    if (typeof v !== 'string') throw new InputError(`${what}: metadata.${k} must be a string, got ${typeof v}`);
  }
}

/** Creates the parent folder and refuses targets that cannot be replaced safely. */
async function prepareTarget(path: string, format: VideoFormat, what: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const st = await stat(path).catch(() => undefined);
  if (!st) return;
  if (format === 'png') {
    if (!st.isDirectory()) throw new InputError(`${what}: PNG frames need a folder, but '${path}' is a file`);
    if ((await readdir(path)).length > 0) {
      throw new InputError(`${what}: folder '${path}' is not empty; refusing to mix PNG frames with existing files`);
    }
  } else if (st.isDirectory()) {
    throw new InputError(`${what}: '${path}' is a folder, expected a ${format} file path`);
  }
}

async function openSink(
  format: VideoFormat,
  opts: WriteVideoOptions,
  width: number,
  height: number,
  temp: string,
  what: string,
): Promise<FrameSink> {
  const { fps, signal } = opts;
  const metadata = opts.metadata ?? {};
  switch (format) {
    case 'png':
      return new PngSink(temp);
    case 'gif':
      return new GifSink({ fps, palette: opts.gifPalette ?? 'global', outPath: temp });
    case 'webm': {
      if (opts.encoder === 'wasm') {
        throw new InputError(`${what}: the wasm encoder writes H.264 MP4 only; webm needs ffmpeg`);
      }
      const command = await (opts.locateFfmpeg ?? ffmpegOnPath())(signal);
      if (!command) throw new MediaError('webm needs ffmpeg on PATH; install ffmpeg or choose mp4/gif/png');
      const crf = opts.crf ?? DEFAULT_CRF.vp9;
      return new FfmpegSink({
        command,
        format,
        width,
        height,
        fps,
        crf,
        metadata,
        outPath: temp,
        what: opts.path,
        signal,
      });
    }
    case 'mp4': {
      if (opts.crf !== undefined && opts.crf > 51)
        throw new InputError(`${what}: H.264 crf must be 0..51, got ${opts.crf}`);
      const crf = opts.crf ?? DEFAULT_CRF.h264;
      const encoder = opts.encoder ?? 'auto';
      const command = encoder === 'wasm' ? undefined : await (opts.locateFfmpeg ?? ffmpegOnPath())(signal);
      if (command) {
        return new FfmpegSink({
          command,
          format,
          width,
          height,
          fps,
          crf,
          metadata,
          outPath: temp,
          what: opts.path,
          signal,
        });
      }
      if (encoder === 'ffmpeg') {
        throw new MediaError(
          `${what}: encoder 'ffmpeg' was requested but ffmpeg was not found; install it or use encoder 'auto'`,
        );
      }
      const qp = Math.min(51, Math.max(10, crf));
      return WasmH264Sink.create({ width, height, fps, qp, outPath: temp, what: opts.path });
    }
  }
}
