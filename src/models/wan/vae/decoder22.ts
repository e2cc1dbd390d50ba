// Decoder3d of the 2.2 VAE: conv1, middle, Up_ResidualBlocks
// (`upsamples.i.upsamples.j`) each adding a DupUp3D shortcut when it upsamples,
// and a head with 12 = 3·2·2 output channels (unpatchified by the caller).
import type { Tensor } from '../../../engine/graph/tensor.js';
import type { Scope } from '../../../engine/nn/scope.js';
import { middle, type VaeBlocks } from './blocks.js';
import { decoderDims, pixelChannels, temporalUpFlags, type WanVaeConfig } from './config.js';

/** z plain [1, z_dim, T, h, w] → plain [1, 12, T', 8h, 8w]; scope `decoder`. */
export function decoder22(s: Scope, b: VaeBlocks, x: Tensor, c: WanVaeConfig): Tensor {
  const dims = decoderDims(c);
  const flags = temporalUpFlags(c);
  x = b.stem(s.at('conv1'), x, c.zDim, dims[0]);
  x = middle(b, s, x, dims[0]);
  for (let i = 0; i + 1 < dims.length; i++) {
    const blk = s.at('upsamples').at(i).at('upsamples');
    const up = i < c.dimMult.length - 1;
    const temporal = up && flags[i];
    const input = x;
    let inC = dims[i];
    const outC = dims[i + 1];
    for (let j = 0; j < c.numResBlocks + 1; j++) {
      x = b.residual(blk.at(j), x, inC, outC);
      inC = outC;
    }
    if (up) {
      x = b.resample(blk.at(c.numResBlocks + 1), x, outC, temporal ? 'upsample3d' : 'upsample2d', outC);
      x = b.add(x, b.dupUp(input, dims[i], outC, temporal ? 2 : 1, 2));
    }
  }
  return b.head(s, x, dims[dims.length - 1], pixelChannels(c));
}
