// Shape-changing and data-movement primitives. Shapes are concrete, so every
// output shape is computed here and checked before ORT sees the graph.
import { ShapeError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { HostTensor, numel, shapeText } from '../host-tensor.js';
import { normAxis } from './shape-utils.js';

function i64(x: Tensor, values: readonly number[], hint: string): Tensor {
  return x.graph.constant(HostTensor.i64([values.length], values), hint);
}

/** Reshape; one dimension may be -1 (inferred). */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const total = numel(x.shape);
  const out = [...shape];
  const inferred = out.indexOf(-1);
  if (out.filter((d) => d === -1).length > 1) throw new ShapeError(`Reshape: more than one -1 in ${shapeText(shape)}`);
  if (inferred >= 0) {
    const known = numel(out.filter((d) => d !== -1));
    if (known === 0 || total % known !== 0) {
      throw new ShapeError(`Reshape: cannot reshape ${shapeText(x.shape)} to ${shapeText(shape)}`);
    }
    out[inferred] = total / known;
  }
  if (numel(out) !== total)
    throw new ShapeError(`Reshape: cannot reshape ${shapeText(x.shape)} to ${shapeText(shape)}`);
  if (shapeText(out) === shapeText(x.shape)) return x;
  return x.graph.node('Reshape', [x, i64(x, out, 'shape')], [{ dtype: x.dtype, shape: out }])[0];
}

/** Permutes axes. */
export function transpose(x: Tensor, perm: readonly number[]): Tensor {
  if (perm.length !== x.shape.length || [...perm].sort((a, b) => a - b).some((p, i) => p !== i)) {
    throw new ShapeError(`Transpose: perm [${perm.join(', ')}] is not a permutation of rank ${x.shape.length}`);
  }
  if (perm.every((p, i) => p === i)) return x;
  const shape = perm.map((p) => x.shape[p]);
  return x.graph.node('Transpose', [x], [{ dtype: x.dtype, shape }], { perm })[0];
}

/** Concatenates along an axis; all other dimensions must agree. */
export function concat(xs: readonly Tensor[], axis: number): Tensor {
  if (xs.length === 0) throw new ShapeError('Concat: no inputs');
  if (xs.length === 1) return xs[0];
  const r = xs[0].shape.length;
  const a = normAxis('Concat', axis, r);
  const shape = [...xs[0].shape];
  shape[a] = 0;
  for (const t of xs) {
    if (t.dtype !== xs[0].dtype) throw new ShapeError(`Concat: dtypes differ (${xs[0].dtype}, ${t.dtype})`);
    if (t.shape.length !== r || t.shape.some((d, i) => i !== a && d !== xs[0].shape[i])) {
      throw new ShapeError(
        `Concat on axis ${axis}: shapes ${xs.map((u) => shapeText(u.shape)).join(', ')} differ outside that axis`,
      );
    }
    shape[a] += t.shape[a];
  }
  return xs[0].graph.node('Concat', xs, [{ dtype: xs[0].dtype, shape }], { axis: a })[0];
}

/** Slice [start, end) with step along one axis (negative indices allowed, clamped like Python). */
export function slice(x: Tensor, axis: number, start: number, end: number, step = 1): Tensor {
  const a = normAxis('Slice', axis, x.shape.length);
  const n = x.shape[a];
  if (step < 1) throw new ShapeError(`Slice: step ${step} must be >= 1`);
  const s = Math.min(Math.max(start < 0 ? start + n : start, 0), n);
  const e = Math.min(Math.max(end < 0 ? end + n : end, 0), n);
  const len = e > s ? Math.ceil((e - s) / step) : 0;
  if (s === 0 && len === n && step === 1) return x;
  const shape = [...x.shape];
  shape[a] = len;
  return x.graph.node(
    'Slice',
    [x, i64(x, [s], 'starts'), i64(x, [e], 'ends'), i64(x, [a], 'axes'), i64(x, [step], 'steps')],
    [{ dtype: x.dtype, shape }],
  )[0];
}

/** Splits along an axis into parts of the given sizes (or `n` equal parts). */
export function split(x: Tensor, axis: number, sizes: number | readonly number[]): Tensor[] {
  const a = normAxis('Split', axis, x.shape.length);
  const n = x.shape[a];
  let parts: number[];
  if (typeof sizes === 'number') {
    if (n % sizes !== 0)
      throw new ShapeError(`Split: dim ${n} of ${shapeText(x.shape)} is not divisible into ${sizes}`);
    parts = new Array(sizes).fill(n / sizes);
  } else parts = [...sizes];
  if (parts.reduce((p, q) => p + q, 0) !== n) {
    throw new ShapeError(`Split: sizes [${parts.join(', ')}] do not sum to dim ${n} of ${shapeText(x.shape)}`);
  }
  const outs = parts.map((p) => {
    const s = [...x.shape];
    s[a] = p;
    return { dtype: x.dtype, shape: s };
  });
  return x.graph.node('Split', [x, i64(x, parts, 'split')], outs, { axis: a });
}

export function unsqueeze(x: Tensor, axis: number): Tensor {
  const r = x.shape.length + 1;
  const a = normAxis('Unsqueeze', axis, r);
  const shape = [...x.shape];
  shape.splice(a, 0, 1);
  return reshape(x, shape);
}

export function squeeze(x: Tensor, axis: number): Tensor {
  const a = normAxis('Squeeze', axis, x.shape.length);
  if (x.shape[a] !== 1) throw new ShapeError(`Squeeze: axis ${axis} of ${shapeText(x.shape)} is not 1`);
  const shape = [...x.shape];
  shape.splice(a, 1);
  return reshape(x, shape);
}

/** Broadcasts to a larger shape (NumPy rules). */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  const n = Math.max(shape.length, x.shape.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const dx = x.shape[x.shape.length - n + i] ?? 1;
    const ds = shape[shape.length - n + i] ?? 1;
    if (dx !== ds && dx !== 1 && ds !== 1) {
      throw new ShapeError(`Expand: ${shapeText(x.shape)} cannot broadcast to ${shapeText(shape)}`);
    }
    out.push(dx === 1 ? ds : dx);
  }
  if (shapeText(out) === shapeText(x.shape)) return x;
  return x.graph.node('Expand', [x, i64(x, out, 'shape')], [{ dtype: x.dtype, shape: out }])[0];
}

/** Constant padding: `pads` lists [before, after] per axis (ONNX order is all befores, then all afters). */
export function pad(x: Tensor, pads: readonly (readonly [number, number])[], value = 0): Tensor {
  if (pads.length !== x.shape.length) throw new ShapeError(`Pad: ${pads.length} pad pairs for rank ${x.shape.length}`);
  if (pads.every(([b, e]) => b === 0 && e === 0)) return x;
  const shape = x.shape.map((d, i) => d + pads[i][0] + pads[i][1]);
  if (shape.some((d) => d < 0)) throw new ShapeError(`Pad: negative result ${shapeText(shape)}`);
  const flat = [...pads.map((p) => p[0]), ...pads.map((p) => p[1])];
  const v = x.graph.constant(
    x.dtype === 'float32' ? HostTensor.f32([], [value]) : new HostTensor('float64', [], Float64Array.of(value)),
    'pad_value',
  );
  return x.graph.node('Pad', [x, i64(x, flat, 'pads'), v], [{ dtype: x.dtype, shape }], { mode: 'constant' })[0];
}

/** Gathers rows: `indices` (int64) index axis `axis` of `x`. */
export function gather(x: Tensor, indices: Tensor, axis = 0): Tensor {
  const a = normAxis('Gather', axis, x.shape.length);
  if (indices.dtype !== 'int64' && indices.dtype !== 'int32') {
    throw new ShapeError(`Gather: indices '${indices.name}' must be int64/int32, got ${indices.dtype}`);
  }
  const shape = [...x.shape.slice(0, a), ...indices.shape, ...x.shape.slice(a + 1)];
  return x.graph.node('Gather', [x, indices], [{ dtype: x.dtype, shape }], { axis: a })[0];
}
