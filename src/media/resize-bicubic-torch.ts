// PyTorch `F.interpolate(x, size=(outH, outW), mode='bicubic', align_corners=False)`
// (no antialias) on float32 CPU tensors. ATen's generic upsample kernel computes the
// weights per axis and then, per output value, sums the 4 width taps of each of the 4
// source rows and sums those with the height weights. The float32 rounding below
// (source coordinate kept in double, fused multiply-adds where the compiled kernel
// contracts them) was fitted against PyTorch's CPU kernel and reproduces it bit for
// bit except for weights within a few 1e-7 of 0; other builds (or CUDA) differ by a
// few float32 ulps.
import { InputError } from '../engine/errors.js';
import { type PlanarImage, planarChannels } from './frame.js';

const f32 = Math.fround;

/** float32 fused multiply-add: the float64 product of two float32 values is exact. */
function fma32(a: number, b: number, c: number): number {
  return f32(a * b + c);
}

// Keys' cubic convolution with a = −0.75 (PyTorch's and OpenCV's choice):
// |x| ≤ 1: ((a + 2)x − (a + 3))x² + 1;  1 < |x| < 2: ((ax − 5a)x + 8a)x − 4a.
function cubic1(x: number): number {
  return f32(f32(f32(fma32(1.25, x, -2.25) * x) * x) + 1);
}

function cubic2(x: number): number {
  return f32(f32(fma32(fma32(-0.75, x, 3.75), x, -6) * x) + 3);
}

interface Taps {
  /** 4 clamped source indices per output index. */
  readonly index: Int32Array;
  /** 4 float32 weights per output index. */
  readonly weight: Float32Array;
}

/** Source taps and weights for one axis. */
function cubicTaps(inSize: number, outSize: number): Taps {
  const scale = f32(inSize / outSize);
  const index = new Int32Array(outSize * 4);
  const weight = new Float32Array(outSize * 4);
  for (let i = 0; i < outSize; i++) {
    // Source coordinate (dst + 0.5)·scale − 0.5; the float scale times a double stays double.
    const real = scale * (i + 0.5) - 0.5;
    const base = Math.min(Math.floor(real), inSize - 1);
    const t = f32(Math.min(Math.max(real - base, 0), 1));
    const x2 = f32(1 - t);
    weight[i * 4] = cubic2(f32(t + 1));
    weight[i * 4 + 1] = cubic1(t);
    weight[i * 4 + 2] = cubic1(x2);
    weight[i * 4 + 3] = cubic2(f32(x2 + 1));
    for (let j = 0; j < 4; j++) index[i * 4 + j] = Math.min(Math.max(base - 1 + j, 0), inSize - 1);
  }
  return { index, weight };
}

/**
 * Resizes a planar float image `[C, H, W]` to `[C, outH, outW]` exactly like PyTorch's
 * `F.interpolate(mode='bicubic', align_corners=False)` without antialiasing: cubic
 * convolution with a = −0.75, source coordinate `(dst + 0.5) · in/out − 0.5`, border
 * indices clamped, no clamping of the values (overshoot is kept). Used by Wan2.1 I2V
 * (image → H×W) and by the CLIP preprocessing (→ 224×224).
 *
 * @example
 * const img = await readImage('cat.png');             // [3, h0, w0] in [-1, 1]
 * const clipIn = resizeBicubicTorch(img, 224, 224);
 */
export function resizeBicubicTorch(img: PlanarImage, outH: number, outW: number): PlanarImage {
  const channels = planarChannels(img, 'resizeBicubicTorch');
  if (!Number.isInteger(outH) || !Number.isInteger(outW) || outH < 1 || outW < 1) {
    throw new InputError(`resizeBicubicTorch: output size must be positive integers, got ${outH}×${outW}`);
  }
  const { width: inW, height: inH, data: src } = img;
  const tx = cubicTaps(inW, outW);
  const ty = cubicTaps(inH, outH);

  // Width pass over every source row: tmp[c][y][ox].
  const tmp = new Float32Array(channels * inH * outW);
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < inH; y++) {
      const row = (c * inH + y) * inW;
      const dst = (c * inH + y) * outW;
      for (let ox = 0; ox < outW; ox++) {
        const k = ox * 4;
        let acc = fma32(src[row + tx.index[k]], tx.weight[k], f32(src[row + tx.index[k + 1]] * tx.weight[k + 1]));
        acc = fma32(src[row + tx.index[k + 2]], tx.weight[k + 2], acc);
        acc = fma32(src[row + tx.index[k + 3]], tx.weight[k + 3], acc);
        tmp[dst + ox] = acc;
      }
    }
  }

  // Height pass.
  const out = new Float32Array(channels * outH * outW);
  for (let c = 0; c < channels; c++) {
    const plane = c * inH * outW;
    for (let oy = 0; oy < outH; oy++) {
      const k = oy * 4;
      const r0 = plane + ty.index[k] * outW;
      const r1 = plane + ty.index[k + 1] * outW;
      const r2 = plane + ty.index[k + 2] * outW;
      const r3 = plane + ty.index[k + 3] * outW;
      const w0 = ty.weight[k];
      const w1 = ty.weight[k + 1];
      const w2 = ty.weight[k + 2];
      const w3 = ty.weight[k + 3];
      const dst = (c * outH + oy) * outW;
      for (let ox = 0; ox < outW; ox++) {
        let acc = fma32(tmp[r0 + ox], w0, f32(tmp[r1 + ox] * w1));
        acc = fma32(tmp[r2 + ox], w2, acc);
        acc = fma32(tmp[r3 + ox], w3, acc);
        out[dst + ox] = acc;
      }
    }
  }
  return { width: outW, height: outH, data: out };
}
