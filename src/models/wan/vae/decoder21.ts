// Decoder3d of the 2.1 VAE: conv1, middle, a flat list of residual blocks and
// resamplers (`upsamples.N`; each upsample conv halves the width) and head.
import type { Tensor } from '../../../engine/graph/tensor.js';
import type { Scope } from '../../../engine/nn/scope.js';
import { middle, type VaeBlocks } from './blocks.js';
import { decoderDims, temporalUpFlags, type WanVaeConfig } from './config.js';

/** z plain [1, z_dim, T, h, w] → plain [1, 3, T', 8h, 8w]; scope `decoder`. */
export function decoder21(s: Scope, b: VaeBlocks, x: Tensor, c: WanVaeConfig): Tensor {
  const dims = decoderDims(c);
  const flags = temporalUpFlags(c);
  x = b.stem(s.at('conv1'), x, c.zDim, dims[0]);
  x = middle(b, s, x, dims[0]);
  const up = s.at('upsamples');
  let idx = 0;
  for (let i = 0; i + 1 < dims.length; i++) {
    // Upstream halves the input width of stages 1..3, which follow a halving upsample.
    let inC = i >= 1 && i <= 3 ? Math.floor(dims[i] / 2) : dims[i];
    const outC = dims[i + 1];
    for (let j = 0; j < c.numResBlocks + 1; j++) {
      x = b.residual(up.at(idx++), x, inC, outC);
      inC = outC;
    }
    if (i < c.dimMult.length - 1)
      x = b.resample(up.at(idx++), x, outC, flags[i] ? 'upsample3d' : 'upsample2d', Math.floor(outC / 2));
  }
  return b.head(s, x, dims[dims.length - 1], 3);
}
