// The 2.2 VAE's 2×2 pixel patchify around the encoder/decoder:
// einops `b c f (h q) (w r) -> b (c r q) f h w` (q = row offset, r = column offset,
// r before q in the channel index c·4 + r·2 + q).
import type { Tensor } from '../../../engine/graph/tensor.js';
import { reshape, transpose } from '../../../engine/ops/movement.js';

/** [1, C, F, H, W] → [1, C·p², F, H/p, W/p]. */
export function patchify(x: Tensor, p: number): Tensor {
  if (p === 1) return x;
  const [n, c, f, hh, ww] = x.shape;
  const h = hh / p;
  const w = ww / p;
  const y = transpose(reshape(x, [n, c, f, h, p, w, p]), [0, 1, 6, 4, 2, 3, 5]); // [n, c, r, q, f, h, w]
  return reshape(y, [n, c * p * p, f, h, w]);
}

/** [1, C·p², F, h, w] → [1, C, F, h·p, w·p]. */
export function unpatchify(x: Tensor, p: number): Tensor {
  if (p === 1) return x;
  const [n, cc, f, h, w] = x.shape;
  const c = cc / (p * p);
  const y = transpose(reshape(x, [n, c, p, p, f, h, w]), [0, 1, 4, 5, 3, 6, 2]); // [n, c, f, h, q, w, r]
  return reshape(y, [n, c, f, h * p, w * p]);
}
