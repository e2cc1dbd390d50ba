// One colour's soft mask in one frame, with the moments the checker needs.
import type { Segmentation } from './segment.js';

/** Soft mask of one palette colour in one frame. Pixel (x, y) has its centre at (x + 0.5, y + 0.5). */
export interface Blob {
  readonly width: number;
  readonly height: number;
  /** Coverage per pixel, [H, W], normalized to the interior level; isolated pixels are dropped. */
  readonly alpha: Float32Array;
  /** Σα: area in pixels. */
  readonly area: number;
  /** Pixels with α ≥ 0.5. */
  readonly hardArea: number;
  /** α-weighted centroid in pixels; NaN when the blob is empty. */
  readonly cx: number;
  readonly cy: number;
  /** Bounding box of the α ≥ 0.5 pixels, inclusive; x1 < x0 when there are none. */
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

/** Quantile of a blob's coverages taken as "fully covered": most pixels of a solid shape are
 * interior, so this sits on the interior level even for small shapes with many edge pixels. */
const FULL_QUANTILE = 0.75;

/**
 * The blob of palette colour `k` in frame `f`. Coverages are divided by the blob's interior level
 * (the FULL_QUANTILE quantile of its coverages, when below 1), so an object drawn in a duller or
 * darker version of its palette colour still has full coverage inside and its true area.
 */
export function blobOf(seg: Segmentation, k: number, f: number): Blob {
  const { width, height } = seg;
  const plane = width * height;
  const alpha = new Float32Array(plane);
  const values: number[] = [];
  const labels = seg.labels.subarray(f * plane, (f + 1) * plane);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      // Isolated pixels are noise, not objects: an object is always more than one pixel across.
      if (labels[i] !== k || !hasNeighbour(labels, k, x, y, width, height)) continue;
      alpha[i] = seg.alpha[f * plane + i];
      values.push(alpha[i]);
    }
  }
  if (values.length > 0) {
    values.sort((a, b) => a - b);
    const level = values[Math.min(values.length - 1, Math.floor(FULL_QUANTILE * values.length))];
    if (level < 1) for (let i = 0; i < plane; i++) alpha[i] = Math.min(1, alpha[i] / level);
  }
  let area = 0;
  let hardArea = 0;
  let sx = 0;
  let sy = 0;
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const a = alpha[y * width + x];
      if (a === 0) continue;
      area += a;
      sx += a * (x + 0.5);
      sy += a * (y + 0.5);
      if (a >= 0.5) {
        hardArea++;
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  return { width, height, alpha, area, hardArea, cx: sx / area, cy: sy / area, x0, y0, x1, y1 };
}

function hasNeighbour(labels: Int8Array, k: number, x: number, y: number, width: number, height: number): boolean {
  for (let j = Math.max(0, y - 1); j <= Math.min(height - 1, y + 1); j++) {
    for (let i = Math.max(0, x - 1); i <= Math.min(width - 1, x + 1); i++) {
      if ((i !== x || j !== y) && labels[j * width + i] === k) return true;
    }
  }
  return false;
}

/** Soft intersection-over-union Σmin / Σmax of two blobs of the same frame size. */
export function softIou(a: Blob, b: Blob): number {
  let inter = 0;
  let union = 0;
  for (let i = 0; i < a.alpha.length; i++) {
    const p = a.alpha[i];
    const q = b.alpha[i];
    inter += p < q ? p : q;
    union += p > q ? p : q;
  }
  return union > 0 ? inter / union : 1;
}
