// A folder of numbered PNG frames (frame-00000.png, ...) through sharp.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import type { RgbFrame } from './frame.js';
import type { FrameSink } from './frame-sink.js';

/** File name of frame `i` inside a PNG frame folder. */
export function pngFrameName(i: number): string {
  return `frame-${String(i).padStart(5, '0')}.png`;
}

/** Writes each frame as `<dir>/frame-NNNNN.png` (8-bit RGB, lossless). */
export class PngSink implements FrameSink {
  readonly codec = 'png';
  readonly pixelFormat = 'rgb24';
  readonly encoder = 'sharp';
  private index = 0;
  private ready: Promise<unknown> | undefined;

  constructor(private readonly dir: string) {}

  async write(frame: RgbFrame): Promise<void> {
    this.ready ??= mkdir(this.dir, { recursive: true });
    await this.ready;
    const file = join(this.dir, pngFrameName(this.index++));
    await sharp(frame.data, { raw: { width: frame.width, height: frame.height, channels: 3 } })
      .png()
      .toFile(file);
  }

  async finish(): Promise<void> {}

  async abort(): Promise<void> {}
}
