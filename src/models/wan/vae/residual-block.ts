// ResidualBlock: [RMS_norm, SiLU, CausalConv3d 3³, RMS_norm, SiLU, (Dropout), CausalConv3d 3³]
// plus a 1×1×1 CausalConv3d shortcut when the width changes.
import type { Tensor } from '../../../engine/graph/tensor.js';
import type { Scope } from '../../../engine/nn/scope.js';
import { silu } from '../../../engine/ops/activation.js';
import { add } from '../../../engine/ops/elementwise.js';
import { causalConv3d } from './causal-conv.js';
import type { ChunkIo } from './chunk-io.js';
import { rmsNormChannels } from './rms-norm.js';

/** x [1, inC, T, H, W] → [1, outC, T, H, W]; keys `residual.{0,2,3,6}.*`, `shortcut.*`. */
export function residualBlock(s: Scope, io: ChunkIo, x: Tensor, inC: number, outC: number): Tensor {
  const r = s.at('residual');
  const h = inC === outC ? x : causalConv3d(s.at('shortcut'), undefined, x, inC, outC, [1, 1, 1]);
  let y = silu(rmsNormChannels(r.at(0), x, inC, 1, 4));
  y = causalConv3d(r.at(2), io, y, inC, outC, [3, 3, 3], { padding: [1, 1, 1] });
  y = silu(rmsNormChannels(r.at(3), y, outC, 1, 4));
  y = causalConv3d(r.at(6), io, y, outC, outC, [3, 3, 3], { padding: [1, 1, 1] });
  return add(y, h);
}
