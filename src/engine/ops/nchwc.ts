// ONNX Runtime's CPU "NCHWc" operators (domain com.microsoft.nchwc): direct
// convolutions over channel-blocked tensors, 2× faster than im2col Conv on x86.
// A blocked tensor has the logical shape [N, Cp, H, W] (Cp = channels rounded up to
// the block size B) but is laid out as [N, Cp/B, H, W, B]; code that needs
// per-channel ops reshapes it to that 5-D view. CPU execution provider only (other
// providers would fall back to the CPU per node), inference only (no gradient rules).
import { ShapeError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { shapeText } from '../host-tensor.js';

export const NCHWC_DOMAIN = 'com.microsoft.nchwc';

/** Plain NCHW [N, C, H, W] (C a multiple of 4) → blocked [N, Cp, H, W], zero-padded channels. */
export function reorderInput(x: Tensor, block: number): Tensor {
  const [n, c, h, w] = x.shape;
  if (x.shape.length !== 4 || c % 4 !== 0)
    throw new ShapeError(`nchwc ReorderInput: needs [N, C, H, W] with C a multiple of 4, got ${shapeText(x.shape)}`);
  const cp = Math.ceil(c / block) * block;
  return x.graph.node('ReorderInput', [x], [{ dtype: x.dtype, shape: [n, cp, h, w] }], {}, NCHWC_DOMAIN)[0];
}

/** Blocked [N, Cp, H, W] → plain NCHW [N, channels, H, W]. */
export function reorderOutput(x: Tensor, channels: number): Tensor {
  const [n, cp, h, w] = x.shape;
  if (x.shape.length !== 4 || channels > cp)
    throw new ShapeError(`nchwc ReorderOutput: ${channels} channels from ${shapeText(x.shape)}`);
  return x.graph.node(
    'ReorderOutput',
    [x],
    [{ dtype: x.dtype, shape: [n, channels, h, w] }],
    { channels },
    NCHWC_DOMAIN,
  )[0];
}

export interface NchwcConvOptions {
  readonly strides?: readonly [number, number];
  /** [top, left, bottom, right]. */
  readonly pads?: readonly [number, number, number, number];
  /** Added to the output in place (the fused residual add). */
  readonly sum?: Tensor;
}

/**
 * 2-D convolution. `x` is blocked [N, Cp, H, W], or plain NCHW when its channel count is
 * below the block size; `w` is [Op, Cp, kh, kw] in the blocked filter layout
 * (OIHWBiBo, or OIHWBo for plain input); `b` is [Op]. Output: blocked [N, Op, H', W'].
 */
export function nchwcConv(x: Tensor, w: Tensor, b: Tensor | undefined, opts: NchwcConvOptions = {}): Tensor {
  if (x.shape.length !== 4 || w.shape.length !== 4 || x.shape[1] !== w.shape[1]) {
    throw new ShapeError(`nchwc Conv: input ${shapeText(x.shape)} and filter ${shapeText(w.shape)} do not match`);
  }
  const [kh, kw] = w.shape.slice(2);
  const [sh, sw] = opts.strides ?? [1, 1];
  const [pt, pl, pb, pr] = opts.pads ?? [0, 0, 0, 0];
  const ho = Math.floor((x.shape[2] + pt + pb - kh) / sh) + 1;
  const wo = Math.floor((x.shape[3] + pl + pr - kw) / sw) + 1;
  if (ho < 1 || wo < 1) throw new ShapeError(`nchwc Conv: kernel ${kh}x${kw} larger than input ${shapeText(x.shape)}`);
  const shape = [x.shape[0], w.shape[0], ho, wo];
  if (opts.sum && shapeText(opts.sum.shape) !== shapeText(shape))
    throw new ShapeError(`nchwc Conv: sum ${shapeText(opts.sum.shape)} does not match output ${shapeText(shape)}`);
  const inputs: (Tensor | null)[] = [x, w, b ?? null];
  if (opts.sum) inputs.push(opts.sum);
  return x.graph.node(
    'Conv',
    inputs,
    [{ dtype: x.dtype, shape }],
    {
      kernel_shape: [kh, kw],
      strides: [sh, sw],
      pads: [pt, pl, pb, pr],
      dilations: [1, 1],
      group: 1,
    },
    NCHWC_DOMAIN,
  )[0];
}
