// The contract of a gradient rule, and the small helpers the rules share.
import { ShapeError } from '../errors.js';
import { FloatAttr, type Graph, type Node } from '../graph/graph.js';
import type { Tensor } from '../graph/tensor.js';
import { shapeText } from '../host-tensor.js';
import { scalarLike } from '../ops/elementwise.js';
import { expand, reshape } from '../ops/movement.js';
import { reduceSum } from '../ops/reduce.js';

/** What a rule sees: the forward node, the upstream gradients, which inputs need one. */
export interface GradContext {
  readonly graph: Graph;
  readonly node: Node;
  /** d loss / d output, per output; undefined where no gradient flows into that output. */
  readonly gy: readonly (Tensor | undefined)[];
  /** Per input: whether its gradient is wanted (it depends on a differentiated value). */
  readonly needs: readonly boolean[];
}

/**
 * Emits the backward nodes of one forward node into the same graph and returns
 * d loss / d input per input (undefined where not needed or identically zero).
 */
export type GradRule = (c: GradContext) => readonly (Tensor | undefined)[];

/** Input `i` of the node, which must exist. */
export function inputOf(node: Node, i: number): Tensor {
  const t = node.inputs[i];
  if (!t) throw new ShapeError(`${node.op}: gradient needs input ${i}, which is absent`);
  return t;
}

/** The single upstream gradient of a one-output node. */
export function upstream(c: GradContext): Tensor {
  const gy = c.gy[0];
  if (!gy) throw new ShapeError(`${c.node.op}: no upstream gradient`);
  return gy;
}

/** Values of an int64 constant input (shapes, axes, pads). */
export function constInts(c: GradContext, i: number): number[] | undefined {
  const t = c.node.inputs[i];
  if (!t) return undefined;
  const v = c.graph.constants.get(t.name);
  if (v?.dtype !== 'int64') {
    throw new ShapeError(
      `${c.node.op}: gradient needs input ${i} ('${t.name}') to be an int64 constant of the graph, found a ${t.kind} ${t.dtype}`,
    );
  }
  return Array.from(v.data as BigInt64Array, (x) => Number(x));
}

export function intAttr(node: Node, name: string, fallback: number): number {
  const v = node.attrs[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'number') throw new ShapeError(`${node.op}: attribute '${name}' is not an integer`);
  return v;
}

export function intsAttr(node: Node, name: string): number[] | undefined {
  const v = node.attrs[name];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'number')) {
    throw new ShapeError(`${node.op}: attribute '${name}' is not a list of integers`);
  }
  return v as number[];
}

export function floatAttr(node: Node, name: string, fallback: number): number {
  const v = node.attrs[name];
  if (v === undefined) return fallback;
  // ONNX FLOAT attributes are single precision: use the value the kernel sees
  if (v instanceof FloatAttr) return Math.fround(v.value);
  if (typeof v === 'number') return v;
  throw new ShapeError(`${node.op}: attribute '${name}' is not a number`);
}

/** A zero tensor of a shape: one scalar constant broadcast by Expand (no large initialiser). */
export function zerosLike(like: Tensor, shape: readonly number[] = like.shape): Tensor {
  return expand(scalarLike(like, 0), shape);
}

/** Ones of a shape, in the dtype of `like`. */
export function onesLike(like: Tensor, shape: readonly number[] = like.shape): Tensor {
  return expand(scalarLike(like, 1), shape);
}

/**
 * Reduces a gradient of a broadcast result back to an operand's shape: sums the
 * leading axes the operand lacks and the axes where it had size 1.
 */
export function sumTo(gy: Tensor, shape: readonly number[]): Tensor {
  if (shapeText(gy.shape) === shapeText(shape)) return gy;
  const lead = gy.shape.length - shape.length;
  if (lead < 0) throw new ShapeError(`sumTo: gradient ${shapeText(gy.shape)} has lower rank than ${shapeText(shape)}`);
  const axes: number[] = [];
  gy.shape.forEach((d, i) => {
    if (i < lead || (shape[i - lead] === 1 && d !== 1)) axes.push(i);
  });
  const r = axes.length ? reduceSum(gy, axes, true) : gy;
  return reshape(r, shape);
}

/** Broadcasts a reduced gradient (kept or dropped axes) back over the reduced axes. */
export function unreduce(gy: Tensor, inShape: readonly number[], axes: readonly number[]): Tensor {
  const kept = inShape.map((d, i) => (axes.includes(i) ? 1 : d));
  return expand(reshape(gy, kept), inShape);
}
