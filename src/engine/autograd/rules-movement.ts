// Gradient rules of the shape and data-movement primitives.
import { ShapeError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { add, cast, less, scalarLike, where } from '../ops/elementwise.js';
import { concat, gather, pad, reshape, slice, split, transpose, unsqueeze } from '../ops/movement.js';
import { scatterAddRows } from '../ops/scatter.js';
import { normAxis } from '../ops/shape-utils.js';
import {
  constInts,
  type GradContext,
  type GradRule,
  inputOf,
  intAttr,
  intsAttr,
  sumTo,
  upstream,
  zerosLike,
} from './rule.js';

/** Places the gradient of a strided 1-axis slice back into an axis of length n. */
function unslice(gy: Tensor, axis: number, n: number, start: number, step: number): Tensor {
  const len = gy.shape[axis];
  let t = gy;
  if (step > 1 && len > 0) {
    // interleave step−1 zeros after every element: [.., len, ..] -> [.., len·step, ..]
    const u = unsqueeze(t, axis + 1);
    const pads = u.shape.map((): [number, number] => [0, 0]);
    pads[axis + 1] = [0, step - 1];
    const shape = [...t.shape];
    shape[axis] = len * step;
    t = reshape(pad(u, pads), shape);
    if (start + len * step > n) t = slice(t, axis, 0, n - start);
  }
  const pads = t.shape.map((): [number, number] => [0, 0]);
  pads[axis] = [start, n - start - t.shape[axis]];
  return pad(t, pads);
}

const sliceRule: GradRule = (c) => {
  if (!c.needs[0]) return [];
  const x = inputOf(c.node, 0);
  const r = x.shape.length;
  const starts = constInts(c, 1) ?? [];
  const axes = constInts(c, 3) ?? starts.map((_, i) => i);
  const steps = constInts(c, 4) ?? starts.map(() => 1);
  let g = upstream(c);
  axes.forEach((ax, i) => {
    const a = normAxis('Slice', ax, r);
    const n = x.shape[a];
    if (steps[i] < 1) throw new ShapeError(`Slice gradient: step ${steps[i]} < 1 is not supported`);
    const s0 = starts[i] < 0 ? starts[i] + n : starts[i];
    const s = Math.min(Math.max(s0, 0), n);
    g = unslice(g, a, n, s, steps[i]);
  });
  return [g];
};

const padRule: GradRule = (c) => {
  if (!c.needs[0]) return [];
  const mode = c.node.attrs.mode ?? 'constant';
  if (mode !== 'constant')
    throw new ShapeError(`Pad gradient: mode '${String(mode)}' is not supported (constant only)`);
  if (c.node.inputs[3]) throw new ShapeError('Pad gradient: the axes input is not supported');
  const x = inputOf(c.node, 0);
  const r = x.shape.length;
  const p = constInts(c, 1) ?? [];
  let g = upstream(c);
  for (let a = 0; a < r; a++) {
    const b = p[a];
    const e = p[a + r];
    if (b < 0 || e < 0) {
      // cropped elements get no gradient: pad them back with zeros
      const pads = g.shape.map((): [number, number] => [0, 0]);
      pads[a] = [Math.max(-b, 0), Math.max(-e, 0)];
      g = pad(g, pads);
    }
    const s = Math.max(b, 0);
    g = slice(g, a, s, s + x.shape[a]);
  }
  return [g];
};

const gatherRule: GradRule = (c) => {
  if (!c.needs[0]) return [];
  const x = inputOf(c.node, 0);
  let idx = inputOf(c.node, 1);
  const a = intAttr(c.node, 'axis', 0) < 0 ? intAttr(c.node, 'axis', 0) + x.shape.length : intAttr(c.node, 'axis', 0);
  const n = x.shape[a];
  if (idx.dtype !== 'int64') idx = cast(idx, 'int64');
  // negative indices count from the end, as Gather allows
  idx = where(less(idx, 0), add(idx, scalarLike(idx, n)), idx);
  const gy = upstream(c);
  const ir = idx.shape.length;
  const xr = x.shape.length;
  // gy [...x[:a], ...idx, ...x[a+1:]] -> [...idx, ...x[:a], ...x[a+1:]]
  const before = Array.from({ length: a }, (_, i) => i);
  const idxAxes = Array.from({ length: ir }, (_, i) => a + i);
  const after = Array.from({ length: xr - a - 1 }, (_, i) => a + ir + i);
  const gyT = transpose(gy, [...idxAxes, ...before, ...after]);
  // x moved to [x[a], ...x[:a], ...x[a+1:]]
  const xPerm = [a, ...before, ...Array.from({ length: xr - a - 1 }, (_, i) => a + 1 + i)];
  const zeroShape = xPerm.map((p) => x.shape[p]);
  const acc = scatterAddRows(zerosLike(gy, zeroShape), unsqueeze(idx, ir), gyT);
  const inv = xPerm.map((_, i) => xPerm.indexOf(i));
  return [transpose(acc, inv), undefined];
};

export const MOVEMENT_RULES: Readonly<Record<string, GradRule>> = {
  Reshape: (c) => [c.needs[0] ? reshape(upstream(c), inputOf(c.node, 0).shape) : undefined],
  Transpose: (c) => {
    if (!c.needs[0]) return [];
    const perm = intsAttr(c.node, 'perm') ?? inputOf(c.node, 0).shape.map((_, i, s) => s.length - 1 - i);
    const inv = perm.map((_, i) => perm.indexOf(i));
    return [transpose(upstream(c), inv)];
  },
  Concat: (c: GradContext) => {
    const axis = intAttr(c.node, 'axis', 0);
    const sizes = c.node.inputs.map((t) => (t ? t.shape[normAxis('Concat', axis, t.shape.length)] : 0));
    const parts = split(upstream(c), axis, sizes);
    return parts.map((p, i) => (c.needs[i] ? p : undefined));
  },
  Split: (c) => {
    if (!c.needs[0]) return [];
    const axis = intAttr(c.node, 'axis', 0);
    const parts = c.node.outputs.map((o, i) => c.gy[i] ?? zerosLike(o));
    return [concat(parts, axis)];
  },
  Slice: sliceRule,
  Expand: (c) => [c.needs[0] ? sumTo(upstream(c), inputOf(c.node, 0).shape) : undefined],
  Pad: padRule,
  Gather: gatherRule,
  ScatterND: (c) => {
    // reduction "add" with [..., 1] row indices (what scatterAddRows emits)
    const gy = upstream(c);
    const idx = inputOf(c.node, 1);
    if (c.node.attrs.reduction !== 'add' || idx.shape[idx.shape.length - 1] !== 1) {
      throw new ShapeError('ScatterND gradient: only reduction "add" over rows (indices [..., 1]) is supported');
    }
    const rows = reshape(idx, idx.shape.slice(0, -1));
    return [c.needs[0] ? gy : undefined, undefined, c.needs[2] ? gather(gy, rows, 0) : undefined];
  },
};
