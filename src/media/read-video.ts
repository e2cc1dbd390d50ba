// Decoding video (files, URLs, capture devices) to RGB frames through ffmpeg:
// rgb24 on stdout, cut into frames, streamed with backpressure.
import { InputError } from '../engine/errors.js';
import { cancelled, onAbort } from './abort.js';
import { FfmpegProcess } from './ffmpeg.js';
import type { RgbFrame } from './frame.js';
import { MediaError } from './media-error.js';

export interface ReadVideoOptions {
  /** Resample to this frame rate (ffmpeg `fps` filter: drops/duplicates frames). */
  readonly fps?: number;
  /** Output size; with only one of them the other keeps the aspect ratio. Scaling is bicubic. */
  readonly width?: number;
  readonly height?: number;
  /** Stop after this many frames (ffmpeg stops decoding too). */
  readonly maxFrames?: number;
  /** ffmpeg input format (`-f`), e.g. 'v4l2' for a camera; give width/height then. */
  readonly inputFormat?: string;
  /** Executables to run (default 'ffmpeg' and 'ffprobe' on PATH). */
  readonly ffmpeg?: string;
  readonly ffprobe?: string;
  readonly signal?: AbortSignal;
}

interface Probe {
  readonly width: number;
  readonly height: number;
}

async function probeSize(path: string, opts: ReadVideoOptions): Promise<Probe> {
  const what = `readVideoFrames '${path}'`;
  const args = ['-v', 'error', '-select_streams', 'v:0'];
  if (opts.inputFormat) args.push('-f', opts.inputFormat);
  args.push('-show_entries', 'stream=width,height:stream_tags=rotate:stream_side_data=rotation', '-of', 'json', path);
  const proc = new FfmpegProcess(opts.ffprobe ?? 'ffprobe', args, what, { stdin: 'ignore', stdout: 'pipe' });
  const detach = onAbort(opts.signal, () => void proc.kill());
  const chunks: Buffer[] = [];
  proc.child.stdout?.on('data', (c: Buffer) => chunks.push(c));
  try {
    const exit = await proc.wait();
    if (opts.signal?.aborted) throw cancelled(opts.signal, what);
    if (exit.code !== 0) throw await proc.failure('could not probe the input');
  } finally {
    detach();
  }
  const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
    streams?: {
      width?: number;
      height?: number;
      tags?: { rotate?: string };
      side_data_list?: { rotation?: number }[];
    }[];
  };
  const s = parsed.streams?.[0];
  if (!s?.width || !s.height) throw new MediaError(`${what}: no video stream found`);
  const rotation = Number(s.side_data_list?.find((d) => d.rotation !== undefined)?.rotation ?? s.tags?.rotate ?? 0);
  // ffmpeg applies the rotation while decoding, so quarter turns swap the sides.
  const quarter = Math.abs(rotation) % 180 === 90;
  return quarter ? { width: s.height, height: s.width } : { width: s.width, height: s.height };
}

function checkPositive(name: string, v: number | undefined, what: string, integer = true): void {
  if (v === undefined) return;
  if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v) || (integer && !Number.isInteger(v))) {
    throw new InputError(`${what}: ${name} must be a positive ${integer ? 'integer' : 'number'}, got ${String(v)}`);
  }
}

/**
 * Decodes a video into RGB frames, one at a time. Memory stays bounded by one frame
 * plus the pipe buffer: ffmpeg is paused while the consumer is busy. Breaking out of
 * the loop or aborting kills ffmpeg; abort rejects with CancelledError.
 *
 * @example
 * for await (const frame of readVideoFrames('clip.mp4', { fps: 16, width: 832, height: 480, maxFrames: 81 })) {
 *   frames.push(frame);
 * }
 */
export async function* readVideoFrames(path: string, opts: ReadVideoOptions = {}): AsyncGenerator<RgbFrame> {
  const what = `readVideoFrames '${path}'`;
  checkPositive('fps', opts.fps, what, false);
  checkPositive('width', opts.width, what);
  checkPositive('height', opts.height, what);
  checkPositive('maxFrames', opts.maxFrames, what);
  const { signal } = opts;
  if (signal?.aborted) throw cancelled(signal, what);

  let { width, height } = opts;
  if (width === undefined || height === undefined) {
    const p = await probeSize(path, opts);
    if (width === undefined && height === undefined) ({ width, height } = p);
    else if (width === undefined) width = Math.max(1, Math.round(((height as number) * p.width) / p.height));
    else height = Math.max(1, Math.round((width * p.height) / p.width));
  }
  const w = width as number;
  const h = height as number;

  const filters: string[] = [];
  if (opts.fps !== undefined) filters.push(`fps=${opts.fps}`);
  filters.push(`scale=${w}:${h}:flags=bicubic`);
  const args = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'error'];
  if (opts.inputFormat) args.push('-f', opts.inputFormat);
  args.push('-i', path, '-an', '-sn', '-vf', filters.join(','));
  if (opts.maxFrames !== undefined) args.push('-frames:v', String(opts.maxFrames));
  args.push('-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1');

  const proc = new FfmpegProcess(opts.ffmpeg ?? 'ffmpeg', args, what, { stdin: 'ignore', stdout: 'pipe' });
  const detach = onAbort(signal, () => void proc.kill());
  const frameBytes = w * h * 3;
  let frame = new Uint8Array(frameBytes);
  let filled = 0;
  let count = 0;
  let finished = false;
  try {
    const stdout = proc.child.stdout;
    if (stdout) {
      for await (const chunk of stdout as AsyncIterable<Buffer>) {
        let off = 0;
        while (off < chunk.length) {
          const n = Math.min(frameBytes - filled, chunk.length - off);
          frame.set(chunk.subarray(off, off + n), filled);
          filled += n;
          off += n;
          if (filled === frameBytes) {
            if (signal?.aborted) throw cancelled(signal, what);
            yield { width: w, height: h, data: frame };
            count++;
            frame = new Uint8Array(frameBytes);
            filled = 0;
            if (opts.maxFrames !== undefined && count >= opts.maxFrames) break;
          }
        }
        if (opts.maxFrames !== undefined && count >= opts.maxFrames) break;
      }
    }
    if (signal?.aborted) throw cancelled(signal, what);
    if (opts.maxFrames === undefined || count < opts.maxFrames) {
      const exit = await proc.wait();
      if (signal?.aborted) throw cancelled(signal, what);
      if (exit.code !== 0) throw await proc.failure('could not decode the input');
      if (filled !== 0) throw new MediaError(`${what}: the decoded stream ended inside frame ${count}`);
    }
    finished = true;
  } finally {
    detach();
    if (!finished || opts.maxFrames !== undefined) await proc.kill();
  }
}
