// Multiply-add FLOPs of a graph (2 per MAC), counted from its nodes' shapes: the
// convolutions and matrix products that bound the run time of the models here.
// Benchmarks divide measured time by this to report how close a run is to the
// machine's peak — the figure that says whether a speed target is reachable.
import type { Graph, Node } from './graph.js';

function product(xs: readonly number[]): number {
  return xs.reduce((a, b) => a * b, 1);
}

function nodeFlops(n: Node): number {
  const out = n.outputs[0];
  if (!out) return 0;
  switch (n.op) {
    case 'Conv': {
      // Also ONNX Runtime's NCHWc Conv (same op name, com.microsoft.nchwc domain, same weight shape).
      // weight [outC, inC/group, k...]: each output element takes inC/group · Πk MACs.
      const w = n.inputs[1];
      return w ? 2 * product(out.shape) * product(w.shape.slice(1)) : 0;
    }
    case 'ConvTranspose': {
      // weight [inC, outC/group, k...]: each input element feeds outC/group · Πk outputs.
      const x = n.inputs[0];
      const w = n.inputs[1];
      return x && w ? 2 * product(x.shape) * product(w.shape.slice(1)) : 0;
    }
    case 'MatMul':
    case 'Gemm': {
      const a = n.inputs[0];
      if (!a) return 0;
      const transA = n.attrs.transA === 1;
      const k = transA ? a.shape[a.shape.length - 2] : a.shape[a.shape.length - 1];
      return 2 * product(out.shape) * k;
    }
    case 'MultiHeadAttention': {
      // q [B, S, D], k [B, L, D]: scores and the weighted sum of values, D MACs per pair each.
      const q = n.inputs[0];
      const k = n.inputs[1];
      return q && k ? 4 * q.shape[0] * q.shape[1] * k.shape[1] * q.shape[2] : 0;
    }
    default:
      return 0;
  }
}

/** FLOPs (2 per multiply-add) of every convolution, matrix product and attention node in `g`. */
export function graphFlops(g: Graph): number {
  let total = 0;
  for (const n of g.nodes) total += nodeFlops(n);
  return total;
}
