// The contract between writeVideo and each encoder backend.
import type { RgbFrame } from './frame.js';

/** How a backend encodes: recorded in the sidecar. */
export interface SinkInfo {
  /** Codec name as ffprobe reports it: h264, vp9, gif, png. */
  readonly codec: string;
  /** Pixel format stored in the file (yuv420p, pal8, rgb24). */
  readonly pixelFormat: string;
  /** Which encoder produced the file: ffmpeg, wasm-x264, gifenc, sharp. */
  readonly encoder: string;
}

/** One encoder writing one temporary output; writeVideo owns renaming and cleanup. */
export interface FrameSink extends SinkInfo {
  /** Encodes one frame (same size as every other, already padded if the codec needs it). */
  write(frame: RgbFrame): Promise<void>;
  /** Flushes and closes the output; the temporary file/folder is complete afterwards. */
  finish(): Promise<void>;
  /** Stops encoding and releases processes/memory; the caller removes the partial output. */
  abort(): Promise<void>;
}
