// RMS_norm of the Wan VAE: channel-first L2 normalisation (torch F.normalize,
// eps 1e-12 on the norm) rescaled by √C and a learned per-channel gamma.
import type { Tensor } from '../../../engine/graph/tensor.js';
import type { Scope } from '../../../engine/nn/scope.js';
import { div, maximum, mul, sqrt } from '../../../engine/ops/elementwise.js';
import { reshape } from '../../../engine/ops/movement.js';
import { reduceSum } from '../../../engine/ops/reduce.js';

/**
 * `x / max(‖x‖₂ over axis, 1e-12) · √C · γ`. `gammaRank` is the rank of the stored
 * gamma: 4 (`[C, 1, 1, 1]`, 5-D video) or 3 (`[C, 1, 1]`, the attention block's images).
 */
export function rmsNormChannels(s: Scope, x: Tensor, dim: number, axis: number, gammaRank: 3 | 4): Tensor {
  const gamma = s.param('gamma', [dim, ...new Array(gammaRank - 1).fill(1)]);
  const trailing = x.shape.length - axis - 1;
  const g = reshape(mul(gamma, Math.sqrt(dim)), [dim, ...new Array(trailing).fill(1)]);
  const norm = sqrt(reduceSum(mul(x, x), [axis], true));
  return mul(div(x, maximum(norm, 1e-12)), g);
}
