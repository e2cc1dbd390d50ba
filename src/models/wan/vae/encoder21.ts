// Encoder3d of the 2.1 VAE (wan/modules/vae.py): conv1, a flat list of residual
// blocks and resamplers (`downsamples.N`), middle and head.
import type { Tensor } from '../../../engine/graph/tensor.js';
import type { Scope } from '../../../engine/nn/scope.js';
import { middle, type VaeBlocks } from './blocks.js';
import { encoderDims, temporalDownFlags, type WanVaeConfig } from './config.js';

/** x plain [1, 3, T, H, W] → plain [1, 2·z_dim, T', H/8, W/8]; scope `encoder`. */
export function encoder21(s: Scope, b: VaeBlocks, x: Tensor, c: WanVaeConfig): Tensor {
  const dims = encoderDims(c);
  const flags = temporalDownFlags(c);
  x = b.stem(s.at('conv1'), x, x.shape[1], dims[0]);
  const down = s.at('downsamples');
  let idx = 0;
  for (let i = 0; i + 1 < dims.length; i++) {
    let inC = dims[i];
    const outC = dims[i + 1];
    for (let j = 0; j < c.numResBlocks; j++) {
      x = b.residual(down.at(idx++), x, inC, outC);
      inC = outC;
    }
    if (i < c.dimMult.length - 1)
      x = b.resample(down.at(idx++), x, outC, flags[i] ? 'downsample3d' : 'downsample2d', outC);
  }
  const last = dims[dims.length - 1];
  x = middle(b, s, x, last);
  return b.head(s, x, last, 2 * c.zDim);
}
