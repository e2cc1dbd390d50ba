// Colour segmentation of clips against a palette. Every pixel is explained as a blend of the
// background b and one palette colour c: p ≈ b + α (c - b). For each palette colour the best α
// (clamped to [0, 1]) and the residual |p - b - α (c - b)| are computed; the pixel takes the
// colour with the smallest residual, if that residual is small and α is not negligible. Working on
// the b→c segment rather than on nearest colour keeps anti-aliased edges with their object (a
// half-covered white pixel is grey, which nearest-colour would call some other colour) and gives a
// soft coverage α that measures area and centroid to a fraction of a pixel.
import { InputError } from '../engine/errors.js';
import { type Clip, clipDims } from './clip.js';
import { type PaletteEntry, type Rgb, WORLD_PALETTE } from './vocab.js';

export interface SegmentOptions {
  /** Colours to look for (default: the world's object colours). */
  readonly palette?: readonly PaletteEntry[];
  /** Background colour; when absent it is estimated per frame as the median of the border pixels. */
  readonly background?: Rgb;
  /** Largest residual, in [0, 1] RGB units (Euclidean), for a pixel to count (default 0.2). */
  readonly maxDistance?: number;
  /** Smallest coverage α for a pixel to count (default 0.2). */
  readonly minAlpha?: number;
}

/** Per-pixel labels and coverages of a clip. Arrays are [F, H, W]. */
export interface Segmentation {
  readonly frames: number;
  readonly height: number;
  readonly width: number;
  readonly palette: readonly PaletteEntry[];
  /** Index into `palette`, or -1 for background / unexplained pixels. */
  readonly labels: Int8Array;
  /** Coverage α ∈ [0, 1] of the labelled colour; 0 where the label is -1. */
  readonly alpha: Float32Array;
  /** Background colour of each frame in [0, 1] RGB, [F, 3]. */
  readonly background: Float32Array;
}

/** Segments every frame of a [3, F, H, W] clip in [-1, 1]. */
export function segmentClip(clip: Clip, options: SegmentOptions = {}): Segmentation {
  const { frames, height, width } = clipDims(clip, 'segmentClip');
  const palette = options.palette ?? WORLD_PALETTE;
  if (palette.length === 0 || palette.length > 127) {
    throw new InputError(`segmentClip: palette must have 1..127 colours, found ${palette.length}`);
  }
  const maxDistance = options.maxDistance ?? 0.2;
  const minAlpha = options.minAlpha ?? 0.2;
  const plane = height * width;
  const labels = new Int8Array(frames * plane).fill(-1);
  const alpha = new Float32Array(frames * plane);
  const background = new Float32Array(frames * 3);
  const cols = palette.map((p) => p.rgb.map((v) => v / 255));
  const maxD2 = maxDistance * maxDistance;
  const K = palette.length;
  // Per frame: direction c - b of each colour and 1/|c - b|², flattened for the hot loop.
  const dir = new Float64Array(K * 3);
  const invNorm = new Float64Array(K);
  const data = clip.data;
  for (let f = 0; f < frames; f++) {
    const b = options.background
      ? options.background.map((v) => v / 255)
      : borderMedian(clip, f, frames, height, width);
    background.set(b, f * 3);
    let minNorm2 = Number.POSITIVE_INFINITY;
    for (let k = 0; k < K; k++) {
      for (let c = 0; c < 3; c++) dir[k * 3 + c] = cols[k][c] - b[c];
      const n = dir[k * 3] ** 2 + dir[k * 3 + 1] ** 2 + dir[k * 3 + 2] ** 2;
      invNorm[k] = n < 1e-6 ? 0 : 1 / n;
      if (n >= 1e-6) minNorm2 = Math.min(minNorm2, n);
    }
    // α_k ≤ |d| / |c_k - b|, so pixels this close to the background cannot reach minAlpha anywhere.
    const skip2 = minAlpha * minAlpha * minNorm2;
    const r0 = f * plane;
    const g0 = (frames + f) * plane;
    const b0 = (2 * frames + f) * plane;
    for (let i = 0; i < plane; i++) {
      const d0 = (data[r0 + i] + 1) * 0.5 - b[0];
      const d1 = (data[g0 + i] + 1) * 0.5 - b[1];
      const d2 = (data[b0 + i] + 1) * 0.5 - b[2];
      if (d0 * d0 + d1 * d1 + d2 * d2 < skip2) continue;
      let best = -1;
      let bestR = maxD2;
      let bestA = 0;
      for (let k = 0; k < K; k++) {
        if (invNorm[k] === 0) continue;
        const v0 = dir[k * 3];
        const v1 = dir[k * 3 + 1];
        const v2 = dir[k * 3 + 2];
        let a = (d0 * v0 + d1 * v1 + d2 * v2) * invNorm[k];
        a = a < 0 ? 0 : a > 1 ? 1 : a;
        const e0 = d0 - a * v0;
        const e1 = d1 - a * v1;
        const e2 = d2 - a * v2;
        const r = e0 * e0 + e1 * e1 + e2 * e2;
        if (r < bestR) {
          bestR = r;
          best = k;
          bestA = a;
        }
      }
      if (best >= 0 && bestA >= minAlpha) {
        labels[r0 + i] = best;
        alpha[r0 + i] = bestA;
      }
    }
  }
  return { frames, height, width, palette, labels, alpha, background };
}

/** Per-channel median of the frame's border pixels, in [0, 1]. */
function borderMedian(clip: Clip, f: number, frames: number, height: number, width: number): number[] {
  const plane = height * width;
  const idx: number[] = [];
  for (let x = 0; x < width; x++) idx.push(x, (height - 1) * width + x);
  for (let y = 1; y < height - 1; y++) idx.push(y * width, y * width + width - 1);
  const out: number[] = [];
  for (let c = 0; c < 3; c++) {
    const base = (c * frames + f) * plane;
    const vals = idx.map((i) => clip.data[base + i]).sort((p, q) => p - q);
    out.push((vals[vals.length >> 1] + 1) * 0.5);
  }
  return out;
}
