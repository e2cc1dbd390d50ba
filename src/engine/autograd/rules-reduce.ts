// Gradient rules of the reductions (axes are a constant input, opset 18).
import { cast, div, equal, mul } from '../ops/elementwise.js';
import { reshape } from '../ops/movement.js';
import { reduceSum } from '../ops/reduce.js';
import { normAxis } from '../ops/shape-utils.js';
import { constInts, type GradContext, type GradRule, inputOf, intAttr, unreduce, upstream } from './rule.js';

/** The normalised reduced axes of a reduce node (absent/empty axes: all, unless noop_with_empty_axes). */
function reducedAxes(c: GradContext): number[] {
  const x = inputOf(c.node, 0);
  const given = constInts(c, 1) ?? [];
  if (given.length === 0) return intAttr(c.node, 'noop_with_empty_axes', 0) ? [] : x.shape.map((_, i) => i);
  return [...new Set(given.map((a) => normAxis(c.node.op, a, x.shape.length)))];
}

export const REDUCE_RULES: Readonly<Record<string, GradRule>> = {
  ReduceSum: (c) => {
    if (!c.needs[0]) return [];
    const x = inputOf(c.node, 0);
    return [unreduce(upstream(c), x.shape, reducedAxes(c))];
  },
  ReduceMean: (c) => {
    if (!c.needs[0]) return [];
    const x = inputOf(c.node, 0);
    const axes = reducedAxes(c);
    const count = axes.reduce((p, a) => p * x.shape[a], 1);
    return [unreduce(mul(upstream(c), 1 / count), x.shape, axes)];
  },
  // The gradient goes to the maxima, split evenly between ties (as torch.amax).
  ReduceMax: (c) => {
    if (!c.needs[0]) return [];
    const x = inputOf(c.node, 0);
    const axes = reducedAxes(c);
    const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
    const y = reshape(c.node.outputs[0], kept);
    const mask = cast(equal(x, y), x.dtype);
    const count = reduceSum(mask, axes, true);
    return [mul(mask, unreduce(div(reshape(upstream(c), kept), count), x.shape, axes))];
  },
};
