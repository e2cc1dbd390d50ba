// Gradient rules of Softmax and LayerNormalization. LayerNorm's statistics are
// recomputed from the input rather than taken from optional node outputs, so the
// forward graph is unchanged by differentiation.
import type { Tensor } from '../graph/tensor.js';
import { add, mul, reciprocal, sqrt, sub } from '../ops/elementwise.js';
import { reduceMean, reduceSum } from '../ops/reduce.js';
import { normAxis } from '../ops/shape-utils.js';
import { floatAttr, type GradRule, inputOf, intAttr, sumTo, upstream } from './rule.js';

const softmaxRule: GradRule = (c) => {
  if (!c.needs[0]) return [];
  const y = c.node.outputs[0];
  const gy = upstream(c);
  const a = normAxis('Softmax', intAttr(c.node, 'axis', -1), y.shape.length);
  return [mul(y, sub(gy, reduceSum(mul(gy, y), [a], true)))];
};

const layerNormRule: GradRule = (c) => {
  const x = inputOf(c.node, 0);
  const scale = inputOf(c.node, 1);
  const bias = c.node.inputs[2];
  const gy = upstream(c);
  const r = x.shape.length;
  const a = normAxis('LayerNormalization', intAttr(c.node, 'axis', -1), r);
  const axes = Array.from({ length: r - a }, (_, i) => a + i);
  const eps = floatAttr(c.node, 'epsilon', 1e-5);
  const xc = sub(x, reduceMean(x, axes, true));
  const rstd = reciprocal(sqrt(add(reduceMean(mul(xc, xc), axes, true), eps)));
  const xhat = mul(xc, rstd);
  let gx: Tensor | undefined;
  if (c.needs[0]) {
    const d = mul(gy, scale);
    const corr = add(reduceMean(d, axes, true), mul(xhat, reduceMean(mul(d, xhat), axes, true)));
    gx = mul(rstd, sub(d, corr));
  }
  return [
    gx,
    c.needs[1] ? sumTo(mul(gy, xhat), scale.shape) : undefined,
    bias && c.needs[2] ? sumTo(gy, bias.shape) : undefined,
  ];
};

export const NN_RULES: Readonly<Record<string, GradRule>> = {
  Softmax: softmaxRule,
  LayerNormalization: layerNormRule,
};
