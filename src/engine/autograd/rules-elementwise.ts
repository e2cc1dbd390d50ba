// Gradient rules of the element-wise primitives. Binary ops broadcast, so every
// operand gradient is summed back to the operand's shape.
import { isFloatDType } from '../dtype.js';
import type { Tensor } from '../graph/tensor.js';
import { add, cast, cos, div, equal, exp, less, log, mul, neg, pow, sin, sub, where } from '../ops/elementwise.js';
import { type GradContext, type GradRule, inputOf, sumTo, upstream } from './rule.js';

/** Gradients of a two-operand op from the two local partials (built only when needed). */
function binaryRule(
  da: (gy: Tensor, a: Tensor, b: Tensor, y: Tensor) => Tensor,
  db: (gy: Tensor, a: Tensor, b: Tensor, y: Tensor) => Tensor,
): GradRule {
  return (c: GradContext) => {
    const gy = upstream(c);
    const a = inputOf(c.node, 0);
    const b = inputOf(c.node, 1);
    const y = c.node.outputs[0];
    return [
      c.needs[0] ? sumTo(da(gy, a, b, y), a.shape) : undefined,
      c.needs[1] ? sumTo(db(gy, a, b, y), b.shape) : undefined,
    ];
  };
}

function unaryRule(d: (gy: Tensor, x: Tensor, y: Tensor) => Tensor): GradRule {
  return (c: GradContext) => [c.needs[0] ? d(upstream(c), inputOf(c.node, 0), c.node.outputs[0]) : undefined];
}

/** 1 where `pick` holds, ½ on ties, else 0, in the dtype of `like`. */
function choiceWeight(pick: Tensor, tie: Tensor, like: Tensor): Tensor {
  return add(cast(pick, like.dtype), mul(cast(tie, like.dtype), 0.5));
}

export const ELEMENTWISE_RULES: Readonly<Record<string, GradRule>> = {
  Add: binaryRule(
    (gy) => gy,
    (gy) => gy,
  ),
  Sub: binaryRule(
    (gy) => gy,
    (gy) => neg(gy),
  ),
  Mul: binaryRule(
    (gy, _a, b) => mul(gy, b),
    (gy, a) => mul(gy, a),
  ),
  Div: binaryRule(
    (gy, _a, b) => div(gy, b),
    (gy, _a, b, y) => neg(div(mul(gy, y), b)),
  ),
  Pow: binaryRule(
    (gy, a, b) => mul(mul(gy, b), pow(a, sub(b, 1))),
    (gy, a, _b, y) => mul(mul(gy, y), log(a)),
  ),
  // Ties split the gradient evenly, as PyTorch's maximum/minimum do.
  Max: binaryRule(
    (gy, a, b) => mul(gy, choiceWeight(less(b, a), equal(a, b), gy)),
    (gy, a, b) => mul(gy, choiceWeight(less(a, b), equal(a, b), gy)),
  ),
  Min: binaryRule(
    (gy, a, b) => mul(gy, choiceWeight(less(a, b), equal(a, b), gy)),
    (gy, a, b) => mul(gy, choiceWeight(less(b, a), equal(a, b), gy)),
  ),
  Neg: unaryRule((gy) => neg(gy)),
  Exp: unaryRule((gy, _x, y) => mul(gy, y)),
  Log: unaryRule((gy, x) => div(gy, x)),
  Sqrt: unaryRule((gy, _x, y) => div(mul(gy, 0.5), y)),
  Reciprocal: unaryRule((gy, _x, y) => neg(mul(gy, mul(y, y)))),
  Tanh: unaryRule((gy, _x, y) => mul(gy, sub(1, mul(y, y)))),
  Erf: unaryRule((gy, x) => mul(gy, mul(exp(neg(mul(x, x))), 2 / Math.sqrt(Math.PI)))),
  Sigmoid: unaryRule((gy, _x, y) => mul(gy, mul(y, sub(1, y)))),
  Sin: unaryRule((gy, x) => mul(gy, cos(x))),
  Cos: unaryRule((gy, x) => neg(mul(gy, sin(x)))),
  // d|x| = sign(x), 0 at 0 (PyTorch's subgradient).
  Abs: unaryRule((gy, x) => where(less(x, 0), neg(gy), where(less(0, x), gy, 0))),
  Relu: unaryRule((gy, x) => where(less(0, x), gy, 0)),
  Identity: unaryRule((gy) => gy),
  Cast: (c) => {
    const x = inputOf(c.node, 0);
    return [c.needs[0] && isFloatDType(x.dtype) ? cast(upstream(c), x.dtype) : undefined];
  },
  Where: (c) => {
    const gy = upstream(c);
    const cond = inputOf(c.node, 0);
    const a = inputOf(c.node, 1);
    const b = inputOf(c.node, 2);
    return [
      undefined,
      c.needs[1] ? sumTo(where(cond, gy, 0), a.shape) : undefined,
      c.needs[2] ? sumTo(where(cond, 0, gy), b.shape) : undefined,
    ];
  },
};
