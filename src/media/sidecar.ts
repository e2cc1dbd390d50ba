// The JSON file written next to every output: what was encoded and with which settings.
import { writeFile } from 'node:fs/promises';
import type { VideoFormat } from './video-format.js';

/** Contents of `<output>.json`. */
export interface VideoSidecar {
  readonly format: VideoFormat;
  /** ffprobe codec name: h264, vp9, gif, png. */
  readonly codec: string;
  readonly pixelFormat: string;
  /** ffmpeg, wasm-x264, gifenc or sharp. */
  readonly encoder: string;
  readonly fps: number;
  readonly frames: number;
  /** Stored size (even for H.264: odd sources are padded, see sourceWidth/sourceHeight). */
  readonly width: number;
  readonly height: number;
  /** Size of the frames given to writeVideo. */
  readonly sourceWidth: number;
  readonly sourceHeight: number;
  /** Generation settings (prompt, seed, model, ...), as given. */
  readonly metadata: Readonly<Record<string, string>>;
}

/** Path of the sidecar for an output path. */
export function sidecarPath(path: string): string {
  return `${path.replace(/[/\\]+$/, '')}.json`;
}

/** Writes the sidecar (pretty JSON, trailing newline) and returns its path. */
export async function writeSidecar(path: string, sidecar: VideoSidecar): Promise<string> {
  const file = sidecarPath(path);
  await writeFile(file, `${JSON.stringify(sidecar, null, 2)}\n`);
  return file;
}
