// CausalConv3d: a Conv3d whose time padding is all in front (2·pt frames, none
// behind), so output frame t only sees input frames <= t. Across chunks the
// front padding is replaced by the last two input frames of the previous chunk.
import { ShapeError } from '../../../engine/errors.js';
import type { Tensor } from '../../../engine/graph/tensor.js';
import type { Scope } from '../../../engine/nn/scope.js';
import { conv } from '../../../engine/ops/conv.js';
import { concat, pad, slice } from '../../../engine/ops/movement.js';
import { CACHE_FRAMES, type ChunkIo } from './chunk-io.js';

export interface CausalConvOptions {
  /** Declared (PyTorch) padding per axis [t, h, w]; time becomes 2·t frames in front. */
  readonly padding?: readonly [number, number, number];
  readonly stride?: readonly [number, number, number];
}

/**
 * x [1, inC, T, H, W] → [1, outC, T', H', W']. With `io`, a conv with time padding
 * keeps a cache of its last two input frames under the scope's key path.
 */
export function causalConv3d(
  s: Scope,
  io: ChunkIo | undefined,
  x: Tensor,
  inC: number,
  outC: number,
  kernel: readonly [number, number, number],
  opts: CausalConvOptions = {},
): Tensor {
  const [pt, ph, pw] = opts.padding ?? [0, 0, 0];
  const w = s.param('weight', [outC, inC, ...kernel]);
  const b = s.param('bias', [outC]);
  const front = 2 * pt;
  let input = x;
  let timePad = front;
  if (io && front > 0) {
    if (front !== CACHE_FRAMES)
      throw new ShapeError(`CausalConv3d '${s.prefix}': time padding ${pt} does not match the 2-frame cache`);
    const [, c, , h, wd] = x.shape;
    const cached = io.cacheIn(s.prefix, [1, c, CACHE_FRAMES, h, wd]);
    if (cached) {
      input = concat([cached, x], 2);
      timePad = 0;
      io.cacheOut(s.prefix, slice(input, 2, -CACHE_FRAMES, input.shape[2]));
    } else {
      // First chunk: the zero front padding stands in for the missing frames, so the
      // cache is the last two frames of the zero-padded input.
      const t = x.shape[2];
      const last =
        t >= CACHE_FRAMES
          ? slice(x, 2, t - CACHE_FRAMES, t)
          : pad(x, [
              [0, 0],
              [0, 0],
              [CACHE_FRAMES - t, 0],
              [0, 0],
              [0, 0],
            ]);
      io.cacheOut(s.prefix, last);
    }
  }
  return conv(input, w, b, {
    strides: opts.stride ?? [1, 1, 1],
    pads: [
      [timePad, 0],
      [ph, ph],
      [pw, pw],
    ],
  });
}
