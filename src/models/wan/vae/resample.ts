// Resample: per-frame spatial ×2 up (nearest, then Conv2d 3×3) or down (pad
// right/bottom, Conv2d 3×3 stride 2), optionally with a temporal conv and the
// official first-chunk rules (see the spec's "Rep" state and downsample3d cache).
import type { Tensor } from '../../../engine/graph/tensor.js';
import { HostTensor } from '../../../engine/host-tensor.js';
import type { Scope } from '../../../engine/nn/scope.js';
import { conv } from '../../../engine/ops/conv.js';
import { concat, expand, reshape, slice, transpose } from '../../../engine/ops/movement.js';
import { causalConv3d } from './causal-conv.js';
import { CACHE_FRAMES, type ChunkIo } from './chunk-io.js';

export type ResampleMode = 'upsample2d' | 'upsample3d' | 'downsample2d' | 'downsample3d';

/** x [1, C, T, H, W]; keys `resample.1.*` (the Conv2d) and `time_conv.*`. */
export function resample(s: Scope, io: ChunkIo, x: Tensor, c: number, mode: ResampleMode, upOut = c): Tensor {
  if (mode === 'upsample3d') x = timeUpsample(s.at('time_conv'), io, x, c);
  const up = mode === 'upsample2d' || mode === 'upsample3d';
  const outC = up ? upOut : c;
  const w2 = s.at('resample').at(1).param('weight', [outC, c, 3, 3]);
  const b = s.at('resample').at(1).param('bias', [outC]);
  const w = reshape(w2, [outC, c, 1, 3, 3]);
  let y: Tensor;
  if (up) {
    y = conv(nearestUp2(x), w, b, {
      pads: [
        [0, 0],
        [1, 1],
        [1, 1],
      ],
    });
  } else {
    y = conv(x, w, b, {
      strides: [1, 2, 2],
      pads: [
        [0, 0],
        [0, 1],
        [0, 1],
      ],
    });
  }
  if (mode === 'downsample3d') y = timeDownsample(s.at('time_conv'), io, y, c);
  return y;
}

/** Nearest-neighbour ×2 on H and W (exact for 'nearest-exact' at scale 2). */
function nearestUp2(x: Tensor): Tensor {
  const [n, c, t, h, w] = x.shape;
  const e = expand(reshape(x, [n, c, t, h, 1, w, 1]), [n, c, t, h, 2, w, 2]);
  return reshape(e, [n, c, t, 2 * h, 2 * w]);
}

/**
 * time_conv (C → 2C, kernel 3 in time) whose two halves become frames 2t and 2t+1.
 * First chunk: skipped (one frame out) and the state starts as zeros, which is what
 * the "Rep" state amounts to on the second chunk.
 */
function timeUpsample(s: Scope, io: ChunkIo, x: Tensor, c: number): Tensor {
  const [, , t, h, w] = x.shape;
  if (io.first) {
    s.param('weight', [2 * c, c, 3, 1, 1]);
    s.param('bias', [2 * c]);
    const zero = x.graph.constant(HostTensor.f32([1, 1, 1, 1, 1], [0]), 'zero');
    io.cacheOut(s.prefix, expand(zero, [1, c, CACHE_FRAMES, h, w]));
    return x;
  }
  const y = causalConv3d(s, io, x, c, 2 * c, [3, 1, 1], { padding: [1, 0, 0] }); // [1, 2C, T, H, W]
  const split = transpose(reshape(y, [1, 2, c, t, h, w]), [0, 2, 3, 1, 4, 5]); // [1, C, T, 2, H, W]
  return reshape(split, [1, c, 2 * t, h, w]);
}

/**
 * time_conv (kernel 3, stride 2, no padding) over [last frame of the previous chunk, x].
 * First chunk: skipped; its last frame is cached.
 */
function timeDownsample(s: Scope, io: ChunkIo, x: Tensor, c: number): Tensor {
  const [, , t, h, w] = x.shape;
  const w3 = s.param('weight', [c, c, 3, 1, 1]);
  const b = s.param('bias', [c]);
  const prev = io.cacheIn(s.prefix, [1, c, 1, h, w]);
  io.cacheOut(s.prefix, slice(x, 2, t - 1, t));
  if (!prev) return x;
  return conv(concat([prev, x], 2), w3, b, { strides: [2, 1, 1] });
}
