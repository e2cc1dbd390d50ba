// CLIPModel.visual preprocessing: F.interpolate(bicubic, align_corners=False,
// no antialias) to image_size², then x·0.5 + 0.5, then (x − mean) / std.
//
// The resize reproduces PyTorch's CPU kernel bit for bit as the reference
// build runs it (Debian PyTorch 1.13, GCC 12, AVX2 kernels): float32 weights
// from a float32 scale and a double source coordinate, the multiply-adds the
// compiler fuses (FMA) fused here too, and each 4-tap sum evaluated as
// fma(x0, w0, x1·w1) → +x2·w2 → +x3·w3, first across the width taps of each
// source row, then across the 4 rows. Other builds differ by an ulp or two.
import { InputError } from '../../../engine/errors.js';
import { HostTensor, shapeText } from '../../../engine/host-tensor.js';
import type { ClipVisionConfig } from './config.js';

const f32 = Math.fround;
/** Cubic convolution coefficient PyTorch uses for bicubic upsampling. */
const A = -0.75;

/** float32 fused multiply-add (a·b is exact in double for float32 operands). */
function fma(a: number, b: number, c: number): number {
  return f32(a * b + c);
}

/** Weight of a tap at distance |x| <= 1: ((A+2)x − (A+3))·x·x + 1. */
function nearTap(x: number): number {
  return f32(f32(f32(fma(A + 2, x, -(A + 3)) * x) * x) + 1);
}

/** Weight of a tap at distance 1 < |x| < 2: ((Ax − 5A)x + 8A)x − 4A. */
function farTap(x: number): number {
  return f32(f32(fma(fma(A, x, -5 * A), x, 8 * A) * x) - 4 * A);
}

interface AxisTaps {
  readonly index: Int32Array;
  readonly weight: Float32Array;
}

/** Four clamped source indices and float32 weights per output position of one axis. */
function axisTaps(inSize: number, outSize: number): AxisTaps {
  const scale = f32(inSize / outSize);
  const index = new Int32Array(outSize * 4);
  const weight = new Float32Array(outSize * 4);
  for (let o = 0; o < outSize; o++) {
    const src = scale * (o + 0.5) - 0.5;
    const i0 = Math.min(Math.floor(src), inSize - 1);
    const t = f32(Math.min(Math.max(src - i0, 0), 1));
    const u = f32(1 - t);
    weight.set([farTap(f32(t + 1)), nearTap(t), nearTap(u), farTap(f32(u + 1))], o * 4);
    for (let k = 0; k < 4; k++) index[o * 4 + k] = Math.min(Math.max(i0 - 1 + k, 0), inSize - 1);
  }
  return { index, weight };
}

/** Four-tap weighted sum in the order the reference kernel evaluates it. */
function dot4(a0: number, a1: number, a2: number, a3: number, w: Float32Array, k: number): number {
  return fma(a3, w[k + 3], fma(a2, w[k + 2], fma(a0, w[k], f32(a1 * w[k + 1]))));
}

/**
 * `F.interpolate(x[None], size=(outH, outW), mode='bicubic', align_corners=False)`
 * for a float32 planar image [C, H, W]; values are not clamped (overshoot kept).
 */
export function bicubicResizeTorch(img: Float32Array, c: number, h: number, w: number, outH: number, outW: number) {
  const tx = axisTaps(w, outW);
  const ty = axisTaps(h, outH);
  const rows = new Float32Array(c * h * outW);
  for (let r = 0; r < c * h; r++) {
    const src = r * w;
    for (let ox = 0; ox < outW; ox++) {
      const k = ox * 4;
      const ix = tx.index;
      rows[r * outW + ox] = dot4(
        img[src + ix[k]],
        img[src + ix[k + 1]],
        img[src + ix[k + 2]],
        img[src + ix[k + 3]],
        tx.weight,
        k,
      );
    }
  }
  const out = new Float32Array(c * outH * outW);
  for (let ch = 0; ch < c; ch++) {
    const plane = ch * h * outW;
    for (let oy = 0; oy < outH; oy++) {
      const k = oy * 4;
      const r0 = plane + ty.index[k] * outW;
      const r1 = plane + ty.index[k + 1] * outW;
      const r2 = plane + ty.index[k + 2] * outW;
      const r3 = plane + ty.index[k + 3] * outW;
      const dst = (ch * outH + oy) * outW;
      for (let ox = 0; ox < outW; ox++) {
        out[dst + ox] = dot4(rows[r0 + ox], rows[r1 + ox], rows[r2 + ox], rows[r3 + ox], ty.weight, k);
      }
    }
  }
  return out;
}

/**
 * One image [3, H, W] with values in [-1, 1] (float32) → the normalised
 * [3, S, S] pixels the ViT sees (S = image_size).
 */
export function clipPreprocess(image: HostTensor, c: ClipVisionConfig): HostTensor<'float32'> {
  if (image.dtype !== 'float32' || image.shape.length !== 3 || image.shape[0] !== 3) {
    throw new InputError(
      `CLIP preprocess: expected a float32 image [3, H, W], got ${image.dtype} ${shapeText(image.shape)}`,
    );
  }
  const [, h, w] = image.shape;
  if (h < 1 || w < 1) throw new InputError(`CLIP preprocess: empty image ${shapeText(image.shape)}`);
  const s = c.imageSize;
  const px = bicubicResizeTorch(image.data as Float32Array, 3, h, w, s, s);
  const mean = Float32Array.from(c.mean);
  const std = Float32Array.from(c.std);
  for (let ch = 0; ch < 3; ch++) {
    for (let i = ch * s * s; i < (ch + 1) * s * s; i++) {
      const unit = f32(f32(px[i] * 0.5) + 0.5);
      px[i] = f32(f32(unit - mean[ch]) / std[ch]);
    }
  }
  return HostTensor.f32([3, s, s], px);
}
