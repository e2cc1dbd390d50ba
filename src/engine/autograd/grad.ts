// Reverse-mode differentiation of a graph: backward nodes are appended to the
// same graph, so forward and backward compile into one ONNX model whose outputs
// are whatever the caller marks (the loss and the parameter gradients).
import { isFloatDType } from '../dtype.js';
import { ShapeError, WanError } from '../errors.js';
import type { Graph } from '../graph/graph.js';
import type { Tensor } from '../graph/tensor.js';
import { shapeText } from '../host-tensor.js';
import { add } from '../ops/elementwise.js';
import { onesLike, zerosLike } from './rule.js';
import { GRAD_RULES, NON_DIFFERENTIABLE } from './rules.js';

/**
 * Vector–Jacobian product: given seeds (d loss / d output, each the shape of its
 * output), returns d loss / d t for every `wrt` tensor (inputs, params or
 * intermediate values of the graph). Tensors the outputs do not depend on get
 * an explicit zero gradient.
 */
export function vjp(
  graph: Graph,
  outputs: readonly Tensor[],
  seeds: readonly Tensor[],
  wrt: readonly Tensor[],
): Tensor[] {
  if (outputs.length !== seeds.length) {
    throw new ShapeError(`vjp: ${outputs.length} outputs but ${seeds.length} seeds`);
  }
  for (const t of [...outputs, ...seeds, ...wrt]) {
    if (t.graph !== graph) throw new ShapeError(`vjp: tensor '${t.name}' belongs to another graph`);
  }
  const forward = graph.nodes.slice();

  // Values that depend on a wrt tensor through float data.
  const live = new Set(wrt.filter((t) => isFloatDType(t.dtype)).map((t) => t.name));
  for (const n of forward) {
    if (NON_DIFFERENTIABLE.has(n.op)) continue;
    if (n.inputs.some((t) => t && live.has(t.name))) {
      for (const o of n.outputs) if (isFloatDType(o.dtype)) live.add(o.name);
    }
  }

  const grads = new Map<string, Tensor>();
  const accumulate = (t: Tensor, gt: Tensor, where: string): void => {
    if (shapeText(gt.shape) !== shapeText(t.shape) || gt.dtype !== t.dtype) {
      throw new ShapeError(
        `${where}: gradient of '${t.name}' is ${gt.dtype} ${shapeText(gt.shape)}, expected ${t.dtype} ${shapeText(t.shape)}`,
      );
    }
    const prev = grads.get(t.name);
    grads.set(t.name, prev ? add(prev, gt) : gt);
  };
  outputs.forEach((o, i) => {
    if (live.has(o.name)) accumulate(o, seeds[i], 'vjp seed');
  });

  for (let i = forward.length - 1; i >= 0; i--) {
    const n = forward[i];
    const gy = n.outputs.map((o) => grads.get(o.name));
    if (gy.every((u) => u === undefined)) continue;
    const needs = n.inputs.map((t) => t !== null && live.has(t.name));
    if (!needs.some(Boolean)) continue;
    const rule = GRAD_RULES[n.op];
    if (!rule) {
      throw new WanError(
        'E_GRAD',
        `no gradient rule for op '${n.op}' (node producing '${n.outputs[0]?.name}'); add one in src/engine/autograd/`,
      );
    }
    const gx = rule({ graph, node: n, gy, needs });
    n.inputs.forEach((t, k) => {
      const gk = gx[k];
      if (t && needs[k] && gk) accumulate(t, gk, `${n.op} gradient`);
    });
  }
  return wrt.map((t) => grads.get(t.name) ?? zerosLike(t));
}

/**
 * d loss / d t for each `wrt` tensor. A non-scalar loss is summed (its seed is all ones).
 * The caller marks the results as outputs, e.g. `g.output('grad.' + name, dw)`.
 */
export function grad(graph: Graph, loss: Tensor, wrt: readonly Tensor[]): Tensor[] {
  if (!isFloatDType(loss.dtype)) throw new ShapeError(`grad: loss '${loss.name}' is ${loss.dtype}, not a float`);
  return vjp(graph, [loss], [onesLike(loss)], wrt);
}

/** The parameter tensors of a graph with the given names (all parameters when omitted). */
export function paramTensors(graph: Graph, names?: Iterable<string>): Tensor[] {
  const infos = new Map(graph.params.map((p) => [p.name, p]));
  const list = names ? [...names] : [...infos.keys()];
  return list.map((n) => {
    const p = infos.get(n);
    if (!p) throw new ShapeError(`graph has no parameter '${n}'`);
    return graph.param(p.name, p.shape, p.dtype);
  });
}
