// Animated GIF through gifenc. With a global palette (default) frames are kept
// until finish() so the palette can be built from all of them; per-frame palettes
// encode as frames arrive.
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { RgbFrame } from './frame.js';
import type { FrameSink } from './frame-sink.js';

type Palette = number[][];
type ColorFormat = 'rgb565' | 'rgb444' | 'rgba4444';

/** The part of gifenc's (untyped, CommonJS) API this module uses. */
interface Gifenc {
  GIFEncoder(opts?: { auto?: boolean; initialCapacity?: number }): {
    writeFrame(
      index: Uint8Array,
      width: number,
      height: number,
      opts?: { palette?: Palette; delay?: number; repeat?: number },
    ): void;
    finish(): void;
    bytesView(): Uint8Array;
  };
  quantize(rgba: Uint8Array, maxColors: number, opts?: { format?: ColorFormat }): Palette;
  applyPalette(rgba: Uint8Array, palette: Palette, format?: ColorFormat): Uint8Array;
}

/** How GIF colours are chosen: one palette for the clip (no flicker) or one per frame. */
export type GifPalette = 'global' | 'per-frame';

/** At most this many pixels feed the global palette, sampled evenly from all frames. */
const PALETTE_SAMPLE = 1 << 20;

function toRgba(frame: RgbFrame): Uint8Array {
  // A fresh buffer: gifenc views the whole underlying ArrayBuffer as 32-bit pixels.
  const out = new Uint8Array(frame.width * frame.height * 4);
  const src = frame.data;
  for (let i = 0, j = 0; i < src.length; i += 3, j += 4) {
    out[j] = src[i];
    out[j + 1] = src[i + 1];
    out[j + 2] = src[i + 2];
    out[j + 3] = 255;
  }
  return out;
}

export interface GifSinkSpec {
  readonly fps: number;
  readonly palette: GifPalette;
  readonly outPath: string;
}

/** Writes a looping GIF; frame delay is 1/fps rounded to GIF's 10 ms units. */
export class GifSink implements FrameSink {
  readonly codec = 'gif';
  readonly pixelFormat = 'pal8';
  readonly encoder = 'gifenc';
  private readonly lib = createRequire(import.meta.url)('gifenc') as Gifenc;
  private readonly gif = this.lib.GIFEncoder();
  private readonly pending: { rgba: Uint8Array; width: number; height: number }[] = [];
  private readonly delay: number;

  constructor(private readonly spec: GifSinkSpec) {
    this.delay = Math.round(1000 / spec.fps);
  }

  async write(frame: RgbFrame): Promise<void> {
    const rgba = toRgba(frame);
    if (this.spec.palette === 'global') {
      this.pending.push({ rgba, width: frame.width, height: frame.height });
      return;
    }
    const palette = this.lib.quantize(rgba, 256);
    this.emit(rgba, frame.width, frame.height, palette);
  }

  async finish(): Promise<void> {
    if (this.pending.length > 0) {
      const palette = this.lib.quantize(this.sample(), 256);
      for (const p of this.pending) this.emit(p.rgba, p.width, p.height, palette);
      this.pending.length = 0;
    }
    this.gif.finish();
    await writeFile(this.spec.outPath, this.gif.bytesView());
  }

  async abort(): Promise<void> {
    this.pending.length = 0;
  }

  private emit(rgba: Uint8Array, width: number, height: number, palette: Palette): void {
    const index = this.lib.applyPalette(rgba, palette);
    this.gif.writeFrame(index, width, height, { palette, delay: this.delay, repeat: 0 });
  }

  /** Pixels taken at an even stride across every pending frame (a fresh buffer, see toRgba). */
  private sample(): Uint8Array {
    const total = this.pending.reduce((n, p) => n + p.width * p.height, 0);
    const stride = Math.max(1, Math.ceil(total / PALETTE_SAMPLE));
    const view = new Uint32Array(Math.ceil(total / stride));
    let k = 0;
    let base = 0;
    for (const p of this.pending) {
      const px = new Uint32Array(p.rgba.buffer);
      for (let i = (stride - (base % stride)) % stride; i < px.length; i += stride) view[k++] = px[i];
      base += px.length;
    }
    return new Uint8Array(view.buffer);
  }
}
