// Gradient rules of the linear maps: MatMul, Gemm, Conv and its adjoint ConvTranspose.
import { ShapeError } from '../errors.js';
import type { Node } from '../graph/graph.js';
import type { Tensor } from '../graph/tensor.js';
import { HostTensor } from '../host-tensor.js';
import { conv } from '../ops/conv.js';
import { convTranspose } from '../ops/conv-transpose.js';
import { mul } from '../ops/elementwise.js';
import { matmul } from '../ops/matmul.js';
import { gather, reshape, slice, transpose } from '../ops/movement.js';
import { reduceSum } from '../ops/reduce.js';
import { floatAttr, type GradRule, inputOf, intAttr, intsAttr, sumTo, upstream } from './rule.js';

/** Swaps the last two axes. */
function mT(x: Tensor): Tensor {
  const r = x.shape.length;
  const perm = x.shape.map((_, i) => i);
  perm[r - 2] = r - 1;
  perm[r - 1] = r - 2;
  return transpose(x, perm);
}

const matmulRule: GradRule = (c) => {
  const gy = upstream(c);
  const a = inputOf(c.node, 0);
  const b = inputOf(c.node, 1);
  return [
    c.needs[0] ? sumTo(matmul(gy, mT(b)), a.shape) : undefined,
    c.needs[1] ? sumTo(matmul(mT(a), gy), b.shape) : undefined,
  ];
};

/** y = alpha·op(A)·op(B) + beta·C. */
const gemmRule: GradRule = (c) => {
  const gy = upstream(c);
  const a = inputOf(c.node, 0);
  const b = inputOf(c.node, 1);
  const ta = intAttr(c.node, 'transA', 0) === 1;
  const tb = intAttr(c.node, 'transB', 0) === 1;
  const alpha = floatAttr(c.node, 'alpha', 1);
  const beta = floatAttr(c.node, 'beta', 1);
  const g = alpha === 1 ? gy : mul(gy, alpha);
  const tr = (t: Tensor): Tensor => transpose(t, [1, 0]);
  let ga: Tensor | undefined;
  let gb: Tensor | undefined;
  // d op(A) = g·op(B)ᵀ and d op(B) = op(A)ᵀ·g, transposed back where the op transposed
  if (c.needs[0]) ga = ta ? matmul(tb ? tr(b) : b, tr(g)) : matmul(g, tb ? b : tr(b));
  if (c.needs[1]) gb = tb ? matmul(tr(g), ta ? tr(a) : a) : matmul(ta ? a : tr(a), g);
  const cIn = c.node.inputs[2];
  let gc: Tensor | undefined;
  if (cIn && c.needs[2]) gc = sumTo(beta === 1 ? gy : mul(gy, beta), cIn.shape);
  return [ga, gb, gc];
};

interface ConvGeometry {
  readonly strides: number[];
  readonly dilations: number[];
  readonly pads: [number, number][];
  readonly group: number;
}

function geometry(node: Node, sp: number): ConvGeometry {
  if (node.attrs.auto_pad !== undefined && node.attrs.auto_pad !== 'NOTSET') {
    throw new ShapeError(`${node.op} gradient: auto_pad '${String(node.attrs.auto_pad)}' is not supported`);
  }
  const flat = intsAttr(node, 'pads') ?? new Array(2 * sp).fill(0);
  return {
    strides: intsAttr(node, 'strides') ?? new Array(sp).fill(1),
    dilations: intsAttr(node, 'dilations') ?? new Array(sp).fill(1),
    pads: Array.from({ length: sp }, (_, i): [number, number] => [flat[i], flat[i + sp]]),
    group: intAttr(node, 'group', 1),
  };
}

/**
 * d/dw of a convolution of `input` whose output gradient is `gout`: a correlation
 * of the two over the batch, computed as one grouped Conv with batch and channel
 * axes exchanged (stride and dilation swap roles). Result [Cout, Cin/group, ...k].
 */
function convWeightGrad(input: Tensor, gout: Tensor, geo: ConvGeometry, k: readonly number[]): Tensor {
  const [n, cin] = input.shape;
  const cout = gout.shape[1];
  const sp = input.shape.length - 2;
  const G = geo.group;
  const cg = cin / G;
  const og = cout / G;
  const spIn = input.shape.slice(2);
  const spOut = gout.shape.slice(2);
  const spAxes = Array.from({ length: sp }, (_, i) => 3 + i);
  // input [N, G·cg, S] -> [cg, G·N, S]
  const xi = reshape(transpose(reshape(input, [n, G, cg, ...spIn]), [2, 1, 0, ...spAxes]), [cg, G * n, ...spIn]);
  // gout [N, G·og, So] -> [G·og, N, So]
  const wi = reshape(transpose(reshape(gout, [n, G, og, ...spOut]), [1, 2, 0, ...spAxes]), [G * og, n, ...spOut]);
  let r = conv(xi, wi, undefined, {
    strides: geo.dilations,
    dilations: geo.strides,
    pads: geo.pads,
    group: G,
  }); // [cg, G·og, K']
  for (let i = 0; i < sp; i++) if (r.shape[2 + i] !== k[i]) r = slice(r, 2 + i, 0, k[i]);
  return transpose(r, [1, 0, ...Array.from({ length: sp }, (_, i) => 2 + i)]);
}

/**
 * d/dx of a stride-1, ungrouped convolution as a plain Conv of the output gradient
 * with the kernel flipped and its channel axes swapped. Same maths as ConvTranspose,
 * but ONNX Runtime's CPU ConvTranspose is several times slower than Conv (3-D
 * especially). Undefined when the geometry does not allow it (strides, groups, or
 * padding wider than the kernel).
 */
function stridelessInputGrad(gy: Tensor, w: Tensor, geo: ConvGeometry): Tensor | undefined {
  const k = w.shape.slice(2);
  const reach = k.map((kk, i) => (kk - 1) * geo.dilations[i]);
  if (
    geo.group !== 1 ||
    geo.strides.some((s) => s !== 1) ||
    geo.pads.some(([a, b], i) => a > reach[i] || b > reach[i])
  ) {
    return undefined;
  }
  let wf = transpose(w, [1, 0, ...k.map((_, i) => 2 + i)]);
  k.forEach((kk, i) => {
    if (kk === 1) return;
    const rev = Array.from({ length: kk }, (_, j) => BigInt(kk - 1 - j));
    wf = gather(wf, w.graph.constant(new HostTensor('int64', [kk], BigInt64Array.from(rev)), 'flip'), 2 + i);
  });
  return conv(gy, wf, undefined, {
    dilations: geo.dilations,
    pads: geo.pads.map(([a, b], i): [number, number] => [reach[i] - a, reach[i] - b]),
  });
}

const convRule: GradRule = (c) => {
  const gy = upstream(c);
  const x = inputOf(c.node, 0);
  const w = inputOf(c.node, 1);
  const sp = x.shape.length - 2;
  const geo = geometry(c.node, sp);
  let gx: Tensor | undefined;
  if (c.needs[0]) {
    const outputPadding = x.shape.slice(2).map((d, i) => {
      const eff = (w.shape[2 + i] - 1) * geo.dilations[i] + 1;
      return d - (geo.strides[i] * (gy.shape[2 + i] - 1) + eff - geo.pads[i][0] - geo.pads[i][1]);
    });
    gx = stridelessInputGrad(gy, w, geo) ?? convTranspose(gy, w, undefined, { ...geo, outputPadding });
  }
  const gw = c.needs[1] ? convWeightGrad(x, gy, geo, w.shape.slice(2)) : undefined;
  const gb =
    c.node.inputs[2] && c.needs[2] ? reduceSum(gy, [0, ...gy.shape.slice(2).map((_, i) => 2 + i)], false) : undefined;
  return [gx, gw, gb];
};

const convTransposeRule: GradRule = (c) => {
  const gy = upstream(c);
  const x = inputOf(c.node, 0);
  const w = inputOf(c.node, 1);
  const sp = x.shape.length - 2;
  if (intsAttr(c.node, 'output_shape')) throw new ShapeError('ConvTranspose gradient: output_shape is not supported');
  const geo = geometry(c.node, sp);
  const gx = c.needs[0] ? conv(gy, w, undefined, geo) : undefined;
  const gw = c.needs[1] ? convWeightGrad(gy, x, geo, w.shape.slice(2)) : undefined;
  const gb =
    c.node.inputs[2] && c.needs[2] ? reduceSum(gy, [0, ...gy.shape.slice(2).map((_, i) => 2 + i)], false) : undefined;
  return [gx, gw, gb];
};

export const LINEAR_RULES: Readonly<Record<string, GradRule>> = {
  MatMul: matmulRule,
  Gemm: gemmRule,
  Conv: convRule,
  ConvTranspose: convTransposeRule,
};
