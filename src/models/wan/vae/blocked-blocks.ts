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
import { concat, expand, gather, pad, reshape, slice, transpose } from '../../../engine/ops/movement.js';
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
import type { DerivedParams, ParamFn } from './derived-params.js';
import type { ResampleMode } from './resample.js';
import { avgDown3d, dupUp3d } from './space-time-shortcut.js';

/** Frame indices [n, k]: row i = i·stride, …, i·stride + k − 1 (the taps of output frame i). */
function taps(g: Graph, n: number, k: number, stride: number): Tensor {
  const idx: number[] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) idx.push(i * stride + j);
  return g.constant(HostTensor.i64([n, k], idx), 'taps');
}

/** Frames with k time taps stacked on channels: [F, ...] (4-D plain or 5-D blocked) → 4-D [n, k·C, H, W]. */
function gatherTaps(full: Tensor, n: number, k: number, stride: number): Tensor {
  const gt = gather(full, taps(full.graph, n, k, stride), 0); // [n, k, ...]
  const [, , c, ...rest] = gt.shape;
  if (rest.length === 3) return reshape(gt, [n, k * c * rest[2], rest[0], rest[1]]);
  return reshape(gt, [n, k * c, rest[0], rest[1]]);
}

/** Frames with `n` zero frames in front. */
function padFront(x: Tensor, n: number): Tensor {
  return pad(
    x,
    x.shape.map((_, i) => (i === 0 ? [n, 0] : [0, 0]) as [number, number]),
  );
}

/** The last CACHE_FRAMES frames of the zero-front-padded input: the first chunk's cache. */
function firstCache(x: Tensor): Tensor {
  const t = x.shape[0];
  return t >= CACHE_FRAMES ? slice(x, 0, t - CACHE_FRAMES, t) : padFront(x, CACHE_FRAMES - t);
}

/** Plain [1, C, T, H, W] → frames [T, C, H, W]. */
function framesOf(x: Tensor): Tensor {
  const [, c, t, h, w] = x.shape;
  return t === 1 ? reshape(x, [1, c, h, w]) : transpose(reshape(x, [c, t, h, w]), [1, 0, 2, 3]);
}

export function blockedBlocks(io: ChunkIo, block: number, derived: DerivedParams): VaeBlocks {
  const B = block;
  const tag = `@nchwc${B}`;
  const bias = (s: Scope, o: number): Tensor =>
    derived.get(`${s.prefix}.bias${tag}`, [roundUp(o, B)], (p) => biasPadded(p(s.key('bias'), [o]), B));
  const weightKey = (s: Scope, suffix = ''): string => `${s.prefix}.weight${tag}${suffix}`;

  /** Cached CausalConv3d, kernel 3, padding 1, blocked in and out; `sum` is added to the output. */
  const conv3 = (s: Scope, x: Tensor, inC: number, outC: number, sum?: Tensor): Tensor => {
    const [t, cb, h, w] = x.shape;
    const cp = cb * B;
    const op = roundUp(outC, B);
    const wName = s.key('weight');
    const wShape = [outC, inC, 3, 3, 3];
    const cache = io.cacheIn(s.prefix, [CACHE_FRAMES, cb, h, w, B]);
    let input: Tensor;
    let filter: Tensor;
    if (!cache && t === 1) {
      // First chunk, one frame: the two earlier taps only see the zero padding.
      io.cacheOut(s.prefix, firstCache(x));
      input = as4d(x);
      filter = derived.get(weightKey(s, '.tap2'), [op, cp, 3, 3], (p) =>
        filterBiBo(stackTaps(slice(p(wName, wShape), 2, 2, 3), cp), B),
      );
    } else {
      const full = cache ? concat([cache, x], 0) : padFront(x, CACHE_FRAMES);
      io.cacheOut(s.prefix, slice(full, 0, t, t + CACHE_FRAMES));
      input = gatherTaps(full, t, 3, 1);
      filter = derived.get(weightKey(s), [op, 3 * cp, 3, 3], (p) => filterBiBo(stackTaps(p(wName, wShape), cp), B));
    }
    const y = nchwcConv(input, filter, bias(s, outC), { pads: [1, 1, 1, 1], sum: sum && as4d(sum) });
    return as5d(y, B);
  };

  /** The 1×1×1 shortcut conv. */
  const pointwise = (s: Scope, x: Tensor, inC: number, outC: number): Tensor => {
    const filter = derived.get(weightKey(s), [roundUp(outC, B), x.shape[1] * B, 1, 1], (p) =>
      filterBiBo(reshape(p(s.key('weight'), [outC, inC, 1, 1, 1]), [outC, inC, 1, 1]), B),
    );
    return as5d(nchwcConv(as4d(x), filter, bias(s, outC)), B);
  };

  /** RMS_norm over channels (blocks and lanes): x·(√C·γ) / max(‖x‖, 1e-12). */
  const norm = (s: Scope, x: Tensor, c: number): Tensor => {
    const [t, cb, h, w] = x.shape;
    const g5 = derived.get(`${s.prefix}.gamma${tag}`, [1, cb, 1, 1, B], (p) =>
      reshape(padAxis(mul(reshape(p(s.key('gamma'), [c, 1, 1, 1]), [c]), Math.sqrt(c)), 0, cb * B - c), [
        1,
        cb,
        1,
        1,
        B,
      ]),
    );
    // Both broadcasts are expanded first: ORT's broadcast kernels are slow with a size-1 last axis.
    const n = maximum(sqrt(reduceSum(mul(x, x), [1, 4], true)), 1e-12);
    return div(mul(x, expand(g5, [1, cb, h, w, B])), expand(n, [t, 1, h, w, B]));
  };

  const residual = (s: Scope, x: Tensor, inC: number, outC: number): Tensor => {
    const r = s.at('residual');
    const h = inC === outC ? x : pointwise(s.at('shortcut'), x, inC, outC);
    const y = conv3(r.at(2), silu(norm(r.at(0), x, inC)), inC, outC);
    return conv3(r.at(6), silu(norm(r.at(3), y, outC)), outC, outC, h);
  };

  const stem = (s: Scope, x: Tensor, inC: number, outC: number): Tensor => {
    if (3 * inC >= B && inC % 4 === 0) return conv3(s, toBlocked(x, B), inC, outC);
    // Few input channels (RGB): stack the taps of the plain frames; the NCHW-input kernel
    // reads them directly when they are fewer than a block.
    const [, , t, h, w] = x.shape;
    const frames = framesOf(x);
    const wName = s.key('weight');
    const wShape = [outC, inC, 3, 3, 3];
    const op = roundUp(outC, B);
    const cache = io.cacheIn(s.prefix, [CACHE_FRAMES, inC, h, w]);
    const first = !cache && t === 1;
    let input: Tensor;
    if (first) {
      io.cacheOut(s.prefix, firstCache(frames));
      input = frames;
    } else {
      const full = cache ? concat([cache, frames], 0) : padFront(frames, CACHE_FRAMES);
      io.cacheOut(s.prefix, slice(full, 0, t, t + CACHE_FRAMES));
      input = gatherTaps(full, t, 3, 1);
    }
    const k = input.shape[1];
    const tapFilter = (p: ParamFn): Tensor =>
      stackTaps(first ? slice(p(wName, wShape), 2, 2, 3) : p(wName, wShape), inC);
    const suffix = first ? '.tap2' : '';
    if (k < B) {
      const filter = derived.get(weightKey(s, `.nchw${suffix}`), [op, k, 3, 3], (p) => filterBo(tapFilter(p), B));
      return as5d(nchwcConv(input, filter, bias(s, outC), { pads: [1, 1, 1, 1] }), B);
    }
    const filter = derived.get(weightKey(s, `.stacked${suffix}`), [op, roundUp(k, B), 3, 3], (p) =>
      filterBiBo(tapFilter(p), B),
    );
    const blocked = reorderInput(padAxis(input, 1, roundUp(k, 4) - k), B);
    return as5d(nchwcConv(blocked, filter, bias(s, outC), { pads: [1, 1, 1, 1] }), B);
  };

  const resample = (s: Scope, x: Tensor, c: number, mode: ResampleMode, upOut: number): Tensor => {
    if (mode === 'upsample3d') x = timeUp(s.at('time_conv'), x, c);
    const up = mode === 'upsample2d' || mode === 'upsample3d';
    const outC = up ? upOut : c;
    const conv = s.at('resample').at(1);
    const [t, cb, h, w] = x.shape;
    const filter = derived.get(weightKey(conv), [roundUp(outC, B), cb * B, 3, 3], (p) =>
      filterBiBo(p(conv.key('weight'), [outC, c, 3, 3]), B),
    );
    let y: Tensor;
    if (up) {
      const e = expand(reshape(x, [t, cb, h, 1, w, 1, B]), [t, cb, h, 2, w, 2, B]);
      y = nchwcConv(as4d(reshape(e, [t, cb, 2 * h, 2 * w, B])), filter, bias(conv, outC), { pads: [1, 1, 1, 1] });
    } else {
      y = nchwcConv(as4d(x), filter, bias(conv, outC), { strides: [2, 2], pads: [0, 0, 1, 1] });
    }
    const y5 = as5d(y, B);
    return mode === 'downsample3d' ? timeDown(s.at('time_conv'), y5, c) : y5;
  };

  /** time_conv C → 2C over [cache, x]; the halves become frames 2t and 2t+1. First chunk: skipped. */
  const timeUp = (s: Scope, x: Tensor, c: number): Tensor => {
    const [t, cb, h, w] = x.shape;
    if (io.first) {
      const zero = x.graph.constant(HostTensor.f32([1, 1, 1, 1, 1], [0]), 'zero');
      io.cacheOut(s.prefix, expand(zero, [CACHE_FRAMES, cb, h, w, B]));
      return x;
    }
    const cache = io.cacheIn(s.prefix, [CACHE_FRAMES, cb, h, w, B]) as Tensor;
    const full = concat([cache, x], 0);
    io.cacheOut(s.prefix, slice(full, 0, t, t + CACHE_FRAMES));
    const cp = cb * B;
    // Output channels laid out as [half, Cp] so that each half is whole blocks.
    const filter = derived.get(weightKey(s), [2 * cp, 3 * cp, 1, 1], (p) => {
      const halves = padAxis(reshape(p(s.key('weight'), [2 * c, c, 3, 1, 1]), [2, c, c, 3, 1, 1]), 1, cp - c);
      return filterBiBo(stackTaps(reshape(halves, [2 * cp, c, 3, 1, 1]), cp), B);
    });
    const b2 = derived.get(`${s.prefix}.bias${tag}`, [2 * cp], (p) =>
      reshape(padAxis(reshape(p(s.key('bias'), [2 * c]), [2, c]), 1, cp - c), [2 * cp]),
    );
    const y = nchwcConv(gatherTaps(full, t, 3, 1), filter, b2); // [T, 2Cp, H, W]
    return reshape(y, [2 * t, cb, h, w, B]);
  };

  /** time_conv (kernel 3, stride 2) over [last frame of the previous chunk, x]. First chunk: skipped. */
  const timeDown = (s: Scope, x: Tensor, c: number): Tensor => {
    const [t, cb, h, w] = x.shape;
    const prev = io.cacheIn(s.prefix, [1, cb, h, w, B]);
    io.cacheOut(s.prefix, slice(x, 0, t - 1, t));
    if (!prev) return x;
    const full = concat([prev, x], 0);
    const n = Math.floor((t + 1 - 3) / 2) + 1;
    const cp = cb * B;
    const filter = derived.get(weightKey(s), [cp, 3 * cp, 1, 1], (p) =>
      filterBiBo(stackTaps(p(s.key('weight'), [c, c, 3, 1, 1]), cp), B),
    );
    return as5d(nchwcConv(gatherTaps(full, n, 3, 2), filter, bias(s, c)), B);
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
