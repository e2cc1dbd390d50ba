// Pillow's `Image.resize((w, h), Image.LANCZOS)` for 8-bit RGB images, reproduced
// byte for byte: the same support/bounds computation, the same normalised double
// coefficients converted to 22-bit fixed point, the same rounding bias and clipping,
// and the same two passes (horizontal into an 8-bit buffer, then vertical).
import { InputError } from '../engine/errors.js';
import { checkRgbFrame, type RgbFrame } from './frame.js';

/** Pillow's fixed-point precision for 8-bit images: 32 − 8 − 2 bits. */
const PRECISION_BITS = 32 - 8 - 2;
const ONE = 1 << PRECISION_BITS;
const HALF = 1 << (PRECISION_BITS - 1);
const LANCZOS_SUPPORT = 3;

function sinc(x: number): number {
  if (x === 0) return 1;
  const px = x * Math.PI;
  return Math.sin(px) / px;
}

function lanczos(x: number): number {
  return x >= -3 && x < 3 ? sinc(x) * sinc(x / 3) : 0;
}

interface Coeffs {
  /** Taps per output sample (Pillow's ksize). */
  readonly ksize: number;
  /** First source index and tap count per output sample. */
  readonly bounds: Int32Array;
  /** Fixed-point weights, `ksize` per output sample. */
  readonly kk: Int32Array;
}

/** Pillow `precompute_coeffs` + `normalize_coeffs_8bpc` for the box [0, inSize). */
function lanczosCoeffs(inSize: number, outSize: number): Coeffs {
  const scale = inSize / outSize;
  const filterscale = scale < 1 ? 1 : scale;
  const support = LANCZOS_SUPPORT * filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const kk = new Int32Array(outSize * ksize);
  const k = new Float64Array(ksize);
  const ss = 1 / filterscale;
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    // C's (int) cast truncates toward zero.
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xmax = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    let ww = 0;
    for (let x = 0; x < xmax; x++) {
      const w = lanczos((x + xmin - center + 0.5) * ss);
      k[x] = w;
      ww += w;
    }
    for (let x = 0; x < ksize; x++) {
      let w = x < xmax ? k[x] : 0;
      if (x < xmax && ww !== 0) w /= ww;
      kk[xx * ksize + x] = w < 0 ? Math.trunc(-0.5 + w * ONE) : Math.trunc(0.5 + w * ONE);
    }
    bounds[xx * 2] = xmin;
    bounds[xx * 2 + 1] = xmax;
  }
  return { ksize, bounds, kk };
}

/** Pillow's clip8: arithmetic shift of the int32 accumulator, clamped to [0, 255]. */
function clip8(acc: number): number {
  const v = acc >> PRECISION_BITS;
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/**
 * Resizes an 8-bit RGB frame to `outW × outH` exactly as Pillow's
 * `Image.resize((outW, outH), Image.LANCZOS)` does for an `RGB` image (Pillow ≥ 7 without
 * `reducing_gap`): Lanczos-3 support scaled by the downscale factor, coefficients
 * normalised to sum 1 then converted to fixed point with 22 fractional bits, horizontal
 * pass over the source rows the vertical pass needs, then vertical pass. Used by
 * TI2V-5B image-to-video (see {@link resizeCoverCenterCrop}).
 *
 * @example
 * const small = resizeLanczosPil(frame, 640, 352);
 */
export function resizeLanczosPil(img: RgbFrame, outW: number, outH: number): RgbFrame {
  checkRgbFrame(img, 'resizeLanczosPil');
  if (!Number.isInteger(outW) || !Number.isInteger(outH) || outW < 1 || outH < 1) {
    throw new InputError(`resizeLanczosPil: output size must be positive integers, got ${outW}×${outH}`);
  }
  const { width: inW, height: inH } = img;
  if (inW === outW && inH === outH) return { width: outW, height: outH, data: img.data.slice() };

  const vert = lanczosCoeffs(inH, outH);
  let src = img.data;
  let srcW = inW;
  let rowOffset = 0;
  if (outW !== inW) {
    // Only the rows the vertical pass reads (all of them when the height is unchanged).
    const first = outH !== inH ? vert.bounds[0] : 0;
    const last = outH !== inH ? vert.bounds[outH * 2 - 2] + vert.bounds[outH * 2 - 1] : inH;
    src = horizontalPass(src, inW, first, last - first, outW);
    srcW = outW;
    rowOffset = first;
  }
  if (outH === inH) return { width: outW, height: outH, data: src };
  return { width: outW, height: outH, data: verticalPass(src, srcW, rowOffset, outH, vert) };
}

function horizontalPass(src: Uint8Array, inW: number, firstRow: number, rows: number, outW: number): Uint8Array {
  const { ksize, bounds, kk } = lanczosCoeffs(inW, outW);
  const out = new Uint8Array(rows * outW * 3);
  for (let y = 0; y < rows; y++) {
    const row = (y + firstRow) * inW * 3;
    for (let xx = 0; xx < outW; xx++) {
      const xmin = bounds[xx * 2];
      const xmax = bounds[xx * 2 + 1];
      const kb = xx * ksize;
      let s0 = HALF;
      let s1 = HALF;
      let s2 = HALF;
      for (let x = 0; x < xmax; x++) {
        const p = row + (x + xmin) * 3;
        const w = kk[kb + x];
        s0 += src[p] * w;
        s1 += src[p + 1] * w;
        s2 += src[p + 2] * w;
      }
      const o = (y * outW + xx) * 3;
      out[o] = clip8(s0);
      out[o + 1] = clip8(s1);
      out[o + 2] = clip8(s2);
    }
  }
  return out;
}

function verticalPass(src: Uint8Array, width: number, rowOffset: number, outH: number, c: Coeffs): Uint8Array {
  const { ksize, bounds, kk } = c;
  const out = new Uint8Array(outH * width * 3);
  for (let yy = 0; yy < outH; yy++) {
    const ymin = bounds[yy * 2] - rowOffset;
    const ymax = bounds[yy * 2 + 1];
    const kb = yy * ksize;
    for (let xx = 0; xx < width; xx++) {
      let s0 = HALF;
      let s1 = HALF;
      let s2 = HALF;
      for (let y = 0; y < ymax; y++) {
        const p = ((y + ymin) * width + xx) * 3;
        const w = kk[kb + y];
        s0 += src[p] * w;
        s1 += src[p + 1] * w;
        s2 += src[p + 2] * w;
      }
      const o = (yy * width + xx) * 3;
      out[o] = clip8(s0);
      out[o + 1] = clip8(s1);
      out[o + 2] = clip8(s2);
    }
  }
  return out;
}
