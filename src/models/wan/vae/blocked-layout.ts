// Conversions between plain [1, C, T, H, W] clips and channel-blocked frames
// [T, C/B, H, W, B] (frames as the batch), and the filter layouts ONNX Runtime's
// NCHWc convolutions read. Padded channels are zeros and stay zeros through every
// block (zero weights, zero bias), so they never leak into real channels.
import type { Tensor } from '../../../engine/graph/tensor.js';
import { pad, reshape, transpose } from '../../../engine/ops/movement.js';
import { reorderInput, reorderOutput } from '../../../engine/ops/nchwc.js';

/** Channels rounded up to whole blocks. */
export function roundUp(c: number, block: number): number {
  return Math.ceil(c / block) * block;
}

/** Plain [1, C, T, H, W] → blocked [T, Cp/B, H, W, B]. */
export function toBlocked(x: Tensor, block: number): Tensor {
  const [, c, t, h, w] = x.shape;
  let f = t === 1 ? reshape(x, [1, c, h, w]) : transpose(reshape(x, [c, t, h, w]), [1, 0, 2, 3]);
  if (c % 4 !== 0) f = padAxis(f, 1, 4 - (c % 4));
  const r = reorderInput(f, block);
  return reshape(r, [t, r.shape[1] / block, h, w, block]);
}

/** Blocked [T, Cb, H, W, B] → plain [1, C, T, H, W] (the first C channels). */
export function toPlain(x: Tensor, c: number): Tensor {
  const f = reorderOutput(as4d(x), c);
  const [t, , h, w] = f.shape;
  return t === 1 ? reshape(f, [1, c, 1, h, w]) : reshape(transpose(f, [1, 0, 2, 3]), [1, c, t, h, w]);
}

/** Blocked 5-D view → the 4-D tensor the NCHWc ops take. */
export function as4d(x: Tensor): Tensor {
  const [t, cb, h, w, b] = x.shape;
  return reshape(x, [t, cb * b, h, w]);
}

/** 4-D blocked → 5-D view. */
export function as5d(x: Tensor, block: number): Tensor {
  const [t, c, h, w] = x.shape;
  return reshape(x, [t, c / block, h, w, block]);
}

/** Zero-pads one axis at the end by `n`. */
export function padAxis(x: Tensor, axis: number, n: number): Tensor {
  if (n === 0) return x;
  return pad(
    x,
    x.shape.map((_, i) => (i === axis ? [0, n] : [0, 0]) as [number, number]),
  );
}

/**
 * A Conv3d filter [O, C, kt, kh, kw] as a 2-D filter over time taps stacked on the
 * input channels, tap-major, each tap's channels padded to `cPad`: [O, kt·cPad, kh, kw].
 */
export function stackTaps(w: Tensor, cPad: number): Tensor {
  const [o, c, kt, kh, kw] = w.shape;
  const p = padAxis(w, 1, cPad - c);
  return reshape(transpose(p, [0, 2, 1, 3, 4]), [o, kt * cPad, kh, kw]);
}

/** [O, I, kh, kw] → blocked-input filter (OIHWBiBo), O and I zero-padded to whole blocks. */
export function filterBiBo(w: Tensor, block: number): Tensor {
  const [o, i, kh, kw] = w.shape;
  const op = roundUp(o, block);
  const ip = roundUp(i, block);
  const p = padAxis(padAxis(w, 0, op - o), 1, ip - i);
  const r = reshape(p, [op / block, block, ip / block, block, kh, kw]);
  return reshape(transpose(r, [0, 2, 4, 5, 3, 1]), [op, ip, kh, kw]);
}

/** [O, I, kh, kw] → plain-input filter (OIHWBo), O zero-padded to whole blocks. */
export function filterBo(w: Tensor, block: number): Tensor {
  const [o, i, kh, kw] = w.shape;
  const op = roundUp(o, block);
  const r = reshape(padAxis(w, 0, op - o), [op / block, block, i, kh, kw]);
  return reshape(transpose(r, [0, 2, 3, 4, 1]), [op, i, kh, kw]);
}

/** Bias [O] zero-padded to whole blocks. */
export function biasPadded(b: Tensor, block: number): Tensor {
  return padAxis(b, 0, roundUp(b.shape[0], block) - b.shape[0]);
}
