// H.264 in 4:2:0 needs even dimensions. Odd frames are padded by one column/row
// that repeats the last one: nothing is lost and the border does not bleed black.
import type { RgbFrame } from './frame.js';

/** Rounds a dimension up to the next even number. */
export function evenCeil(n: number): number {
  return n + (n & 1);
}

/**
 * Returns `frame` unchanged when both sides are even; otherwise a copy grown to even
 * width/height whose extra right column / bottom row repeats the last column / row.
 */
export function padToEven(frame: RgbFrame): RgbFrame {
  const w = evenCeil(frame.width);
  const h = evenCeil(frame.height);
  if (w === frame.width && h === frame.height) return frame;
  const src = frame.data;
  const out = new Uint8Array(w * h * 3);
  const rowIn = frame.width * 3;
  const rowOut = w * 3;
  for (let y = 0; y < h; y++) {
    const sy = Math.min(y, frame.height - 1);
    const o = y * rowOut;
    out.set(src.subarray(sy * rowIn, sy * rowIn + rowIn), o);
    if (w !== frame.width) out.copyWithin(o + rowIn, o + rowIn - 3, o + rowIn);
  }
  return { width: w, height: h, data: out };
}
