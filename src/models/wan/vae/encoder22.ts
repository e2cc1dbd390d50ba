// Encoder3d of the 2.2 VAE (wan/modules/vae2_2.py): conv1 on the patchified
// video, Down_ResidualBlocks (`downsamples.i.downsamples.j`) each adding an
// AvgDown3D shortcut, middle and head.
import type { Tensor } from '../../../engine/graph/tensor.js';
import type { Scope } from '../../../engine/nn/scope.js';
import { middle, type VaeBlocks } from './blocks.js';
import { encoderDims, temporalDownFlags, type WanVaeConfig } from './config.js';

/** x plain [1, 12, T, H/2, W/2] → plain [1, 2·z_dim, T', H/16, W/16]; scope `encoder`. */
export function encoder22(s: Scope, b: VaeBlocks, x: Tensor, c: WanVaeConfig): Tensor {
  const dims = encoderDims(c);
  const flags = temporalDownFlags(c);
  x = b.stem(s.at('conv1'), x, x.shape[1], dims[0]);
  for (let i = 0; i + 1 < dims.length; i++) {
    const blk = s.at('downsamples').at(i).at('downsamples');
    const down = i < c.dimMult.length - 1;
    const temporal = down && flags[i];
    const input = x;
    let inC = dims[i];
    const outC = dims[i + 1];
    for (let j = 0; j < c.numResBlocks; j++) {
      x = b.residual(blk.at(j), x, inC, outC);
      inC = outC;
    }
    if (down) x = b.resample(blk.at(c.numResBlocks), x, outC, temporal ? 'downsample3d' : 'downsample2d', outC);
    x = b.add(x, b.avgDown(input, dims[i], outC, temporal ? 2 : 1, down ? 2 : 1));
  }
  const last = dims[dims.length - 1];
  x = middle(b, s, x, last);
  return b.head(s, x, last, 2 * c.zDim);
}
