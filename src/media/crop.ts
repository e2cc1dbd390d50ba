// Output-size selection, centre crop and the TI2V-5B "cover then crop" image
// preprocessing, with Python's float arithmetic where the official code uses it.
import { InputError } from '../engine/errors.js';
import { checkRgbFrame, type RgbFrame } from './frame.js';
import { pyFloorDiv, roundHalfEven } from './python-math.js';
import { resizeLanczosPil } from './resize-lanczos-pil.js';

/**
 * The largest `(width, height)` on a `dw × dh` grid with `width·height ≤ maxArea` and an
 * aspect ratio close to `w0 / h0`, exactly as Wan2.2's `best_output_size`: candidate 1
 * fixes the width first (`⌊√(A·r) / dw⌋·dw`, then the height from the area), candidate 2
 * the height first; the candidate whose ratio is closer (`max(r/rᵢ, rᵢ/r)`) wins, ties
 * go to candidate 2.
 *
 * @example
 * bestOutputSize(1280, 720, 32, 32, 1280 * 704); // → [1248, 704]
 */
export function bestOutputSize(
  w0: number,
  h0: number,
  dw: number,
  dh: number,
  maxArea: number,
): [width: number, height: number] {
  for (const [name, v] of [
    ['width', w0],
    ['height', h0],
    ['dw', dw],
    ['dh', dh],
    ['maxArea', maxArea],
  ] as const) {
    if (!Number.isFinite(v) || v <= 0) throw new InputError(`bestOutputSize: ${name} must be positive, got ${v}`);
  }
  const ratio = w0 / h0;
  const ow = Math.sqrt(maxArea * ratio);
  const oh = maxArea / ow;
  const ow1 = Math.trunc(pyFloorDiv(ow, dw) * dw);
  const oh1 = ow1 > 0 ? Math.trunc(pyFloorDiv(maxArea / ow1, dh) * dh) : 0;
  const oh2 = Math.trunc(pyFloorDiv(oh, dh) * dh);
  const ow2 = oh2 > 0 ? Math.trunc(pyFloorDiv(maxArea / oh2, dw) * dw) : 0;
  if (ow1 <= 0 || oh1 <= 0 || ow2 <= 0 || oh2 <= 0) {
    throw new InputError(
      `bestOutputSize: a ${w0}×${h0} image cannot fit a ${dw}×${dh} grid within area ${maxArea} ` +
        '(aspect ratio too extreme or area too small)',
    );
  }
  const r1 = ow1 / oh1;
  const r2 = ow2 / oh2;
  return Math.max(ratio / r1, r1 / ratio) < Math.max(ratio / r2, r2 / ratio) ? [ow1, oh1] : [ow2, oh2];
}

/**
 * Crops `width × height` from the centre of `img`, the left/top offset being
 * `⌊(W − width) / 2⌋`, `⌊(H − height) / 2⌋` (PIL `img.crop((x1, y1, x1 + w, y1 + h))`
 * as Wan2.2 TI2V computes it). The crop must fit inside the image.
 */
export function centerCrop(img: RgbFrame, width: number, height: number): RgbFrame {
  checkRgbFrame(img, 'centerCrop');
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new InputError(`centerCrop: crop size must be positive integers, got ${width}×${height}`);
  }
  if (width > img.width || height > img.height) {
    throw new InputError(`centerCrop: crop ${width}×${height} does not fit in a ${img.width}×${img.height} image`);
  }
  const x1 = Math.floor((img.width - width) / 2);
  const y1 = Math.floor((img.height - height) / 2);
  const out = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const s = ((y + y1) * img.width + x1) * 3;
    out.set(img.data.subarray(s, s + width * 3), y * width * 3);
  }
  return { width, height, data: out };
}

/**
 * TI2V-5B image-to-video preprocessing (spec §3.4): scale by
 * `s = max(width / w0, height / h0)` to `(round(w0·s), round(h0·s))` (Python rounding, ties
 * to even) with Pillow LANCZOS, then {@link centerCrop} to `width × height`.
 *
 * @example
 * const [ow, oh] = bestOutputSize(frame.width, frame.height, 32, 32, 704 * 1280);
 * const cond = rgbToPlanar(resizeCoverCenterCrop(frame, ow, oh)); // [3, oh, ow] in [-1, 1]
 */
export function resizeCoverCenterCrop(img: RgbFrame, width: number, height: number): RgbFrame {
  checkRgbFrame(img, 'resizeCoverCenterCrop');
  const scale = Math.max(width / img.width, height / img.height);
  const rw = roundHalfEven(img.width * scale);
  const rh = roundHalfEven(img.height * scale);
  return centerCrop(resizeLanczosPil(img, rw, rh), width, height);
}
