// Parameterised building blocks, as functions of (scope, input). Parameter names
// follow PyTorch modules (`weight`, `bias`), so checkpoint keys bind unchanged.

import { ShapeError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { shapeText } from '../host-tensor.js';
import { type ConvOptions, conv } from '../ops/conv.js';
import { add, mul } from '../ops/elementwise.js';
import { gemmTransB } from '../ops/matmul.js';
import { reshape } from '../ops/movement.js';
import { layerNorm as lnOp, rmsNorm as rmsOp } from '../ops/normalization.js';
import type { Scope } from './scope.js';

/** torch.nn.Linear over the last axis: weight [out, in], bias [out]. */
export function linear(s: Scope, x: Tensor, inF: number, outF: number, opts: { bias?: boolean } = {}): Tensor {
  const lead = x.shape.slice(0, -1);
  if (x.shape[x.shape.length - 1] !== inF) {
    throw new ShapeError(`Linear '${s.prefix}': input ${shapeText(x.shape)} does not end in ${inF} features`);
  }
  const w = s.param('weight', [outF, inF]);
  const b = opts.bias === false ? undefined : s.param('bias', [outF]);
  const y = gemmTransB(reshape(x, [-1, inF]), w, b);
  return reshape(y, [...lead, outF]);
}

/** torch.nn.LayerNorm over the last axis, with or without affine parameters. */
export function layerNorm(s: Scope, x: Tensor, dim: number, eps: number, opts: { affine?: boolean } = {}): Tensor {
  if (opts.affine === false) return lnOp(x, eps);
  return lnOp(x, eps, s.param('weight', [dim]), s.param('bias', [dim]));
}

/** RMS norm over the last axis with a learned scale named `paramName`. */
export function rmsNorm(s: Scope, x: Tensor, dim: number, eps: number, paramName = 'weight'): Tensor {
  return rmsOp(x, [-1], eps, s.param(paramName, [dim]));
}

/** torch.nn.Conv{2,3}d with weight [O, I/group, ...k] and optional bias. */
export function convNd(
  s: Scope,
  x: Tensor,
  inC: number,
  outC: number,
  kernel: readonly number[],
  opts: ConvOptions & { bias?: boolean } = {},
): Tensor {
  const w = s.param('weight', [outC, inC / (opts.group ?? 1), ...kernel]);
  const b = opts.bias === false ? undefined : s.param('bias', [outC]);
  return conv(x, w, b, opts);
}

/** `norm(x) · (1 + scale) + shift`, the adaptive modulation used by DiT blocks. */
export function modulate(normed: Tensor, shift: Tensor, scale: Tensor): Tensor {
  return add(mul(normed, add(scale, 1)), shift);
}
