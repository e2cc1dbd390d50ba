// VaeBlocks over channel-blocked frames [T, C/B, H, W, B] with ONNX Runtime's NCHWc
// convolutions. A kernel-3 CausalConv3d becomes one 2-D convolution over the three
// time taps gathered onto the channel axis; caches hold blocked frames. Same maths
// as plain-blocks.ts (checked against the same golden files).
import type { Graph } from '../../../engine/graph/graph.js';
import type { Tensor } from '../../../engine/graph/tensor.js';
import { HostTensor } from '../../../engine/host-tensor.js';
import type { Scope } from '../../../engine/nn/scope.js';
import { silu } from '../../../engine/ops/activation.js';
import { add, div, maximum, mul, sqrt } from '../../../engine/ops/elementwise.js';
import { concat, expand, gather, pad, reshape, slice } from '../../../engine/ops/movement.js';
import { nchwcConv, reorderInput } from '../../../engine/ops/nchwc.js';
import { reduceSum } from '../../../engine/ops/reduce.js';
import { attentionBlock } from './attention-block.js';
import {
  as4d,
  as5d,
  biasPadded,
  filterBiBo,
  filterBo,
  padAxis,
  roundUp,
  stackTaps,
  toBlocked,
  toPlain,
} from './blocked-layout.js';
import type { VaeBlocks } from './blocks.js';
import { CACHE_FRAMES, type ChunkIo } from './chunk-io.js';
import type { ResampleMode } from './resample.js';
import { avgDown3d, dupUp3d } from './space-time-shortcut.js';

/** Frame indices [n, k]: row i = start + i·stride, …, + k − 1 (the taps of output frame i). */
function taps(g: Graph, n: number, k: number, stride: number): Tensor {
  const idx: number[] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) idx.push(i * stride + j);
  return g.constant(HostTensor.i64([n, k], idx), 'taps');
}

/** Frames with time taps stacked on channels: [F, ...] → [n, k·C, H, W] for a 4-D/5-D frame tensor. */
function gatherTaps(full: Tensor, n: number, k: number, stride: number): Tensor {
  const gt = gather(full, taps(full.graph, n, k, stride), 0); // [n, k, ...]
  const [, , c, ...rest] = gt.shape;
  if (rest.length === 3) return reshape(gt, [n, k * c * rest[2], rest[0], rest[1]]); // 5-D blocked frames
  return reshape(gt, [n, k * c, rest[0], rest[1]]); // 4-D plain frames
}

/** Last CACHE_FRAMES frames of the zero-front-padded frames (the first chunk's cache). */
function firstCache(x: Tensor): Tensor {
  const t = x.shape[0];
  if (t >= CACHE_FRAMES) return slice(x, 0, t - CACHE_FRAMES, t);
  return pad(
    x,
    x.shape.map((_, i) => (i === 0 ? [CACHE_FRAMES - t, 0] : [0, 0]) as [number, number]),
  );
}

/** Frames with CACHE_FRAMES zero frames in front (a first chunk of more than one frame). */
function firstPadded(x: Tensor): Tensor {
  return pad(
    x,
    x.shape.map((_, i) => (i === 0 ? [CACHE_FRAMES, 0] : [0, 0]) as [number, number]),
  );
}

export function blockedBlocks(io: ChunkIo, block: number): VaeBlocks {
  const B = block;

  /** Cached CausalConv3d, kernel 3, padding 1, blocked in and out. */
  const conv3 = (s: Scope, x: Tensor, inC: number, outC: number, sum?: Tensor): Tensor => {
    const [t, cb, h, w] = x.shape;
    const weight = s.param('weight', [outC, inC, 3, 3, 3]);
    const bias = biasPadded(s.param('bias', [outC]), B);
    const cp = cb * B;
    const cache = io.cacheIn(s.prefix, [CACHE_FRAMES, cb, h, w, B]);
    let input: Tensor;
    let filter: Tensor;
    if (!cache && t === 1) {
      // First chunk, one frame: the two earlier taps only see zero padding.
      io.cacheOut(s.prefix, firstCache(x));
      input = as4d(x);
      filter = filterBiBo(stackTaps(slice(weight, 2, 2, 3), cp), B);
    } else {
      const full = cache ? concat([cache, x], 0) : firstPadded(x);
      io.cacheOut(s.prefix, slice(full, 0, t, t + CACHE_FRAMES));
      input = gatherTaps(full, t, 3, 1);
      filter = filterBiBo(stackTaps(weight, cp), B);
    }
    const y = nchwcConv(input, filter, bias, { pads: [1, 1, 1, 1], sum: sum && as4d(sum) });
    return as5d(y, B);
  };

  /** 1×1(×1) convolution with a [O, C, 1, 1(, 1)] weight. */
  const pointwise = (s: Scope, x: Tensor, inC: number, outC: number, weightRank: 4 | 5): Tensor => {
    const weight = s.param('weight', weightRank === 5 ? [outC, inC, 1, 1, 1] : [outC, inC, 1, 1]);
    const filter = filterBiBo(reshape(weight, [outC, inC, 1, 1]), B);
    return as5d(nchwcConv(as4d(x), filter, biasPadded(s.param('bias', [outC]), B)), B);
  };

  /** RMS_norm over channels (blocks and lanes): x·(√C·γ) / max(‖x‖, 1e-12). */
  const norm = (s: Scope, x: Tensor, c: number): Tensor => {
    const [t, cb, h, w] = x.shape;
    const gamma = mul(reshape(s.param('gamma', [c, 1, 1, 1]), [c]), Math.sqrt(c));
    const g5 = reshape(padAxis(gamma, 0, cb * B - c), [1, cb, 1, 1, B]);
    // Both broadcasts are expanded first: ORT's broadcast kernels are slow with a size-1 last axis.
    const n = maximum(sqrt(reduceSum(mul(x, x), [1, 4], true)), 1e-12);
    return div(mul(x, expand(g5, [1, cb, h, w, B])), expand(n, [t, 1, h, w, B]));
  };

  const residual = (s: Scope, x: Tensor, inC: number, outC: number): Tensor => {
    const r = s.at('residual');
    const h = inC === outC ? x : pointwise(s.at('shortcut'), x, inC, outC, 5);
    let y = conv3(r.at(2), silu(norm(r.at(0), x, inC)), inC, outC);
    y = conv3(r.at(6), silu(norm(r.at(3), y, outC)), outC, outC, h);
    return y;
  };

  const stem = (s: Scope, x: Tensor, inC: number, outC: number): Tensor => {
    const [, , t, h, w] = x.shape;
    if (inC * 3 >= B && inC % 4 === 0) return conv3(s, toBlocked(x, B), inC, outC);
    // Few input channels (RGB): stack the taps of the plain frames and use the NCHW-input kernel.
    const frames = t === 1 ? reshape(x, [1, inC, h, w]) : transposeToFrames(x);
    const weight = s.param('weight', [outC, inC, 3, 3, 3]);
    const bias = biasPadded(s.param('bias', [outC]), B);
    const cache = io.cacheIn(s.prefix, [CACHE_FRAMES, inC, h, w]);
    let input: Tensor;
    let w4: Tensor;
    if (!cache && t === 1) {
      io.cacheOut(s.prefix, firstCache(frames));
      input = frames;
      w4 = stackTaps(slice(weight, 2, 2, 3), inC);
    } else {
      const full = cache ? concat([cache, frames], 0) : firstPadded(frames);
      io.cacheOut(s.prefix, slice(full, 0, t, t + CACHE_FRAMES));
      input = gatherTaps(full, t, 3, 1);
      w4 = stackTaps(weight, inC);
    }
    const k = input.shape[1];
    if (k < B) return as5d(nchwcConv(input, filterBo(w4, B), bias, { pads: [1, 1, 1, 1] }), B);
    const k4 = roundUp(k, 4);
    const blocked = reorderInput(padAxis(input, 1, k4 - k), B);
    return as5d(nchwcConv(blocked, filterBiBo(w4, B), bias, { pads: [1, 1, 1, 1] }), B);
  };

  const resample = (s: Scope, x: Tensor, c: number, mode: ResampleMode, upOut: number): Tensor => {
    if (mode === 'upsample3d') x = timeUp(s.at('time_conv'), x, c);
    const up = mode === 'upsample2d' || mode === 'upsample3d';
    const outC = up ? upOut : c;
    const conv = s.at('resample').at(1);
    const w2 = conv.param('weight', [outC, c, 3, 3]);
    const bias = biasPadded(conv.param('bias', [outC]), B);
    let y: Tensor;
    if (up) {
      const [t, cb, h, w] = x.shape;
      const e = expand(reshape(x, [t, cb, h, 1, w, 1, B]), [t, cb, h, 2, w, 2, B]);
      y = nchwcConv(as4d(reshape(e, [t, cb, 2 * h, 2 * w, B])), filterBiBo(w2, B), bias, { pads: [1, 1, 1, 1] });
    } else {
      y = nchwcConv(as4d(x), filterBiBo(w2, B), bias, { strides: [2, 2], pads: [0, 0, 1, 1] });
    }
    const y5 = as5d(y, B);
    return mode === 'downsample3d' ? timeDown(s.at('time_conv'), y5, c) : y5;
  };

  /** time_conv C → 2C over [cache, x]; the halves become frames 2t and 2t+1. First chunk: skipped. */
  const timeUp = (s: Scope, x: Tensor, c: number): Tensor => {
    const [t, cb, h, w] = x.shape;
    const weight = s.param('weight', [2 * c, c, 3, 1, 1]);
    const bias = s.param('bias', [2 * c]);
    if (io.first) {
      const zero = x.graph.constant(HostTensor.f32([1, 1, 1, 1, 1], [0]), 'zero');
      io.cacheOut(s.prefix, expand(zero, [CACHE_FRAMES, cb, h, w, B]));
      return x;
    }
    const cache = io.cacheIn(s.prefix, [CACHE_FRAMES, cb, h, w, B]) as Tensor;
    const full = concat([cache, x], 0);
    io.cacheOut(s.prefix, slice(full, 0, t, t + CACHE_FRAMES));
    const cp = cb * B;
    // Output channels laid out as [half, Cp] so each half is whole blocks.
    const halves = reshape(padAxis(reshape(weight, [2, c, c, 3, 1, 1]), 1, cp - c), [2 * cp, c, 3, 1, 1]);
    const filter = filterBiBo(stackTaps(halves, cp), B);
    const b2 = reshape(padAxis(reshape(bias, [2, c]), 1, cp - c), [2 * cp]);
    const y = nchwcConv(gatherTaps(full, t, 3, 1), filter, b2); // [T, 2Cp, H, W]
    return reshape(y, [2 * t, cb, h, w, B]);
  };

  /** time_conv (kernel 3, stride 2) over [last frame of the previous chunk, x]. First chunk: skipped. */
  const timeDown = (s: Scope, x: Tensor, c: number): Tensor => {
    const [t, cb, h, w] = x.shape;
    const weight = s.param('weight', [c, c, 3, 1, 1]);
    const bias = biasPadded(s.param('bias', [c]), B);
    const prev = io.cacheIn(s.prefix, [1, cb, h, w, B]);
    io.cacheOut(s.prefix, slice(x, 0, t - 1, t));
    if (!prev) return x;
    const full = concat([prev, x], 0);
    const n = Math.floor((t + 1 - 3) / 2) + 1;
    const filter = filterBiBo(stackTaps(weight, cb * B), B);
    return as5d(nchwcConv(gatherTaps(full, n, 3, 2), filter, bias), B);
  };

  const head = (s: Scope, x: Tensor, c: number, outC: number): Tensor => {
    const h = s.at('head');
    return toPlain(conv3(h.at(2), silu(norm(h.at(0), x, c)), c, outC), outC);
  };

  return {
    io,
    stem,
    residual,
    attention: (s: Scope, x: Tensor, c: number) => toBlocked(attentionBlock(s, toPlain(x, c), c), B),
    resample,
    head,
    add: (a: Tensor, b: Tensor) => add(a, b),
    avgDown: (x: Tensor, inC: number, outC: number, ft: number, fs: number) =>
      toBlocked(avgDown3d(toPlain(x, inC), outC, ft, fs), B),
    dupUp: (x: Tensor, inC: number, outC: number, ft: number, fs: number) =>
      toBlocked(dupUp3d(toPlain(x, inC), outC, ft, fs, io.first), B),
  };
}

/** Plain [1, C, T, H, W] → frames [T, C, H, W]. */
function transposeToFrames(x: Tensor): Tensor {
  const [, c, t, h, w] = x.shape;
  return reshape(x, [c, t, h, w]).transpose([1, 0, 2, 3]);
}
