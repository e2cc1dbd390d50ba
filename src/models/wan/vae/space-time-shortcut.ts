// Parameter-free shortcuts of the 2.2 VAE blocks: AvgDown3D folds a (ft, fs, fs)
// neighbourhood into channels and averages channel groups; DupUp3D repeats
// channels and unfolds them into a (ft, fs, fs) neighbourhood.
import type { Tensor } from '../../../engine/graph/tensor.js';
import { expand, pad, reshape, slice, transpose } from '../../../engine/ops/movement.js';
import { reduceMean } from '../../../engine/ops/reduce.js';

/** [1, inC, T, H, W] → [1, outC, ⌈T/ft⌉, H/fs, W/fs]; T is zero-padded in front to a multiple of ft. */
export function avgDown3d(x: Tensor, outC: number, ft: number, fs: number): Tensor {
  if (ft === 1 && fs === 1 && x.shape[1] === outC) return x;
  const padT = (ft - (x.shape[2] % ft)) % ft;
  const xp = pad(x, [
    [0, 0],
    [0, 0],
    [padT, 0],
    [0, 0],
    [0, 0],
  ]);
  const [n, c, t, h, w] = xp.shape;
  const [t2, h2, w2] = [t / ft, h / fs, w / fs];
  const v = reshape(xp, [n, c, t2, ft, h2, fs, w2, fs]);
  const p = transpose(v, [0, 1, 3, 5, 7, 2, 4, 6]); // [n, c, ft, fs, fs, t2, h2, w2]
  const group = (c * ft * fs * fs) / outC;
  return reduceMean(reshape(p, [n, outC, group, t2, h2, w2]), [2], false);
}

/** [1, inC, T, H, W] → [1, outC, T·ft, H·fs, W·fs] (minus the first ft−1 frames on the first chunk). */
export function dupUp3d(x: Tensor, outC: number, ft: number, fs: number, firstChunk: boolean): Tensor {
  const [n, c, t, h, w] = x.shape;
  const repeats = (outC * ft * fs * fs) / c;
  const rep = reshape(expand(reshape(x, [n, c, 1, t, h, w]), [n, c, repeats, t, h, w]), [n, outC, ft, fs, fs, t, h, w]);
  const p = transpose(rep, [0, 1, 5, 2, 6, 3, 7, 4]); // [n, out, t, ft, h, fs, w, fs]
  const y = reshape(p, [n, outC, t * ft, h * fs, w * fs]);
  return firstChunk && ft > 1 ? slice(y, 2, ft - 1, t * ft) : y;
}
