// Spatial tiling: equal-size tiles (so one compiled graph serves all of them),
// the last one aligned to the far edge, blended with linear ramps across each
// overlap so the weights of overlapping tiles sum to one.
import { InputError } from '../../../engine/errors.js';

/** Tile size and overlap, in output pixels for decode and input pixels for encode. */
export interface VaeTile {
  readonly height: number;
  readonly width: number;
  /** Overlap between neighbouring tiles (default: a quarter of the tile, rounded to the compression). */
  readonly overlap?: number;
}

/** One tile along an axis, in the units of the tiled input. */
export interface Span {
  readonly start: number;
  readonly size: number;
  /** Overlap with the previous / next tile (0 at the edges). */
  readonly before: number;
  readonly after: number;
}

/** Tiles of `size` covering [0, total) with at least `overlap` shared between neighbours. */
export function spans(total: number, size: number, overlap: number): Span[] {
  if (size >= total) return [{ start: 0, size: total, before: 0, after: 0 }];
  const stride = size - overlap;
  const starts: number[] = [];
  for (let s = 0; s + size < total; s += stride) starts.push(s);
  starts.push(total - size);
  return starts.map((start, i) => ({
    start,
    size,
    before: i > 0 ? starts[i - 1] + size - start : 0,
    after: i + 1 < starts.length ? start + size - starts[i + 1] : 0,
  }));
}

/** Blend weights of a span over `scale`× as many output samples. */
export function rampWeights(sp: Span, scale: number): Float32Array {
  const n = Math.round(sp.size * scale);
  const a = sp.before * scale;
  const b = sp.after * scale;
  const w = new Float32Array(n);
  for (let u = 0; u < n; u++) {
    let v = 1;
    if (a > 0) v = Math.min(v, (u + 0.5) / a);
    if (b > 0) v = Math.min(v, (n - u - 0.5) / b);
    w[u] = v;
  }
  return w;
}

/**
 * Converts a tile request (pixels) into input-unit spans per axis. `unit` is the
 * pixels per input sample (the compression for decode, 1 for encode), `multiple` the
 * granularity tiles must respect in pixels.
 */
export function tileLayout(
  what: string,
  tile: VaeTile,
  totalH: number,
  totalW: number,
  unit: number,
  multiple: number,
): { rows: Span[]; cols: Span[] } {
  const check = (name: string, v: number): number => {
    if (!Number.isInteger(v) || v <= 0 || v % multiple !== 0)
      throw new InputError(`${what}: tile ${name} ${v} must be a positive multiple of ${multiple} pixels`);
    return v / unit;
  };
  const th = check('height', tile.height);
  const tw = check('width', tile.width);
  const defOverlap = Math.max(multiple, Math.floor(Math.min(tile.height, tile.width) / 4 / multiple) * multiple);
  const ovPx = tile.overlap ?? defOverlap;
  if (!Number.isInteger(ovPx) || ovPx < 0 || ovPx % multiple !== 0)
    throw new InputError(`${what}: tile overlap ${ovPx} must be a non-negative multiple of ${multiple} pixels`);
  const ov = ovPx / unit;
  for (const [name, size, total] of [
    ['height', th, totalH],
    ['width', tw, totalW],
  ] as const) {
    if (size < total && ov >= size)
      throw new InputError(`${what}: tile overlap ${ovPx} must be smaller than the tile ${name} ${size * unit}`);
  }
  return { rows: spans(totalH, th, ov), cols: spans(totalW, tw, ov) };
}
