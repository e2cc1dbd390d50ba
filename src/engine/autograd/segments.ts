// Splitting a graph into consecutive segments at cut values (block outputs), and
// copying one segment into a graph of its own. Activation checkpointing runs the
// segments forward keeping only the values that cross segment boundaries, then
// recomputes each segment inside its backward graph.
import { ShapeError } from '../errors.js';
import type { Graph, Node } from '../graph/graph.js';
import type { Tensor } from '../graph/tensor.js';

export interface Segment {
  /** Nodes of this segment, in forward order (only ancestors of the roots). */
  readonly nodes: readonly Node[];
  /** Values read here that an earlier segment produced. */
  readonly boundaryIn: readonly Tensor[];
  /** Values produced here that a later segment reads, then any roots produced here. */
  readonly boundaryOut: readonly Tensor[];
}

/**
 * Partitions the ancestors of `roots` into segments: a new segment starts at each
 * index of `starts` (positions in the graph's node list, which is the order a
 * builder emitted the nodes, e.g. block by block). Empty segments are dropped.
 */
export function partitionGraph(graph: Graph, roots: readonly Tensor[], starts: readonly number[]): Segment[] {
  const producer = new Map<string, number>();
  graph.nodes.forEach((n, i) => {
    for (const o of n.outputs) producer.set(o.name, i);
  });
  // ancestors of the roots
  const needed = new Set<number>();
  const stack = roots.map((r) => producer.get(r.name)).filter((i): i is number => i !== undefined);
  while (stack.length) {
    const i = stack.pop() as number;
    if (needed.has(i)) continue;
    needed.add(i);
    for (const t of graph.nodes[i].inputs) {
      const p = t ? producer.get(t.name) : undefined;
      if (p !== undefined && !needed.has(p)) stack.push(p);
    }
  }
  const ends = starts.map((s) => s - 1);
  for (let k = 1; k < ends.length; k++) {
    if (ends[k] <= ends[k - 1]) throw new ShapeError('partition: segment starts must increase');
  }
  const segOf = (i: number): number => {
    let k = 0;
    while (k < ends.length && i > ends[k]) k++;
    return k;
  };
  const count = ends.length + 1;
  const nodes: Node[][] = Array.from({ length: count }, () => []);
  const order = [...needed].sort((a, b) => a - b);
  for (const i of order) nodes[segOf(i)].push(graph.nodes[i]);

  const segProducing = new Map<string, number>();
  for (const i of order) for (const o of graph.nodes[i].outputs) segProducing.set(o.name, segOf(i));
  const ins: Tensor[][] = Array.from({ length: count }, () => []);
  const outs: Tensor[][] = Array.from({ length: count }, () => []);
  const outSeen = new Set<string>();
  nodes.forEach((list, k) => {
    const seen = new Set<string>();
    for (const n of list) {
      for (const t of n.inputs) {
        if (!t || seen.has(t.name)) continue;
        const p = segProducing.get(t.name);
        if (p === undefined || p === k) continue;
        seen.add(t.name);
        ins[k].push(t);
        if (!outSeen.has(t.name)) {
          outSeen.add(t.name);
          outs[p].push(t);
        }
      }
    }
  });
  for (const r of roots) {
    const p = segProducing.get(r.name);
    if (p !== undefined && !outSeen.has(r.name)) {
      outSeen.add(r.name);
      outs[p].push(r);
    }
  }
  return nodes
    .map((list, k) => ({ nodes: list, boundaryIn: ins[k], boundaryOut: outs[k] }))
    .filter((s) => s.nodes.length > 0);
}

/** Where a segment graph's input comes from. */
export type SegmentSource =
  | { readonly kind: 'input'; readonly name: string }
  | { readonly kind: 'param'; readonly name: string }
  | { readonly kind: 'boundary'; readonly name: string };

export interface SegmentCopy {
  /** Source value name → tensor in the segment graph. */
  readonly map: Map<string, Tensor>;
  /** Segment-graph input/param name → where its value comes from. */
  readonly sources: Map<string, SegmentSource>;
}

/**
 * Copies a segment into `dst`. Inputs, params and boundary values get canonical
 * names (`in0`, `p0`, … in order of first use), so segments that differ only in
 * their parameter names (identical blocks) encode to identical bytes.
 */
export function copySegment(src: Graph, seg: Segment, dst: Graph): SegmentCopy {
  const map = new Map<string, Tensor>();
  const sources = new Map<string, SegmentSource>();
  const inputs = new Map(src.inputs.map((i) => [i.name, i]));
  const params = new Map(src.params.map((p) => [p.name, p]));
  const boundary = new Set(seg.boundaryIn.map((t) => t.name));
  let nIn = 0;
  let nParam = 0;
  const resolve = (t: Tensor): Tensor => {
    const m = map.get(t.name);
    if (m) return m;
    let out: Tensor;
    const c = src.constants.get(t.name);
    if (c) out = dst.constant(c, 'c');
    else if (params.has(t.name)) {
      const name = `p${nParam++}`;
      out = dst.param(name, t.shape, t.dtype);
      sources.set(name, { kind: 'param', name: t.name });
    } else if (inputs.has(t.name) || boundary.has(t.name)) {
      const name = `in${nIn++}`;
      out = dst.input(name, t.dtype, t.shape);
      sources.set(name, { kind: inputs.has(t.name) ? 'input' : 'boundary', name: t.name });
    } else throw new ShapeError(`segment: value '${t.name}' is read before it is produced`);
    map.set(t.name, out);
    return out;
  };
  for (const t of seg.boundaryIn) resolve(t);
  for (const n of seg.nodes) {
    const ins = n.inputs.map((t) => (t ? resolve(t) : null));
    const outs = dst.node(
      n.op,
      ins,
      n.outputs.map((o) => ({ dtype: o.dtype, shape: o.shape })),
      n.attrs,
      n.domain,
    );
    for (const [i, o] of n.outputs.entries()) map.set(o.name, outs[i]);
  }
  return { map, sources };
}

/** Index of the first node that reads a parameter accepted by `pred` (−1 when none). */
export function firstNodeReading(graph: Graph, pred: (paramName: string) => boolean): number {
  const params = new Set(graph.params.filter((p) => pred(p.name)).map((p) => p.name));
  return graph.nodes.findIndex((n) => n.inputs.some((t) => t !== null && t.kind === 'param' && params.has(t.name)));
}
