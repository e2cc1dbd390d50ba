// LoRA applied inside a graph: every Linear (Gemm with transB) whose weight is
// adapted gets a low-rank side branch y += scale·(x·Aᵀ)·Bᵀ, which costs
// tokens·rank·(in + out) rather than materialising W + B·A. Other uses of an
// adapted weight see the merged weight. A, B and the scale are graph inputs
// (params), so one compiled graph serves any adapter values and strengths.
import { replayGraph } from '../../../engine/autograd/replay.js';
import { floatAttr, intAttr } from '../../../engine/autograd/rule.js';
import type { Graph } from '../../../engine/graph/graph.js';
import type { Tensor } from '../../../engine/graph/tensor.js';
import { add, mul } from '../../../engine/ops/elementwise.js';
import { gemmTransB, matmul } from '../../../engine/ops/matmul.js';

/** One low-rank branch on one weight. */
export interface LoraBranch {
  /** The adapted weight parameter, e.g. `blocks.0.self_attn.q.weight` ([out, in]). */
  readonly weight: string;
  /** Parameter names of A [rank, in] and B [out, rank]. */
  readonly down: string;
  readonly up: string;
  readonly rank: number;
  /** A constant multiplier, or the name of a scalar float32 parameter holding it. */
  readonly scale: number | string;
  /** [out, in] the adapter was made for, checked by `unusedLoraTargets`. */
  readonly shape?: readonly [number, number];
}

/** An additive full delta on a parameter (`.diff` / `.diff_b` keys). */
export interface WeightDelta {
  readonly weight: string;
  /** Parameter name of the delta (same shape as the weight). */
  readonly delta: string;
  readonly scale: number | string;
}

function scaleTensor(dst: Graph, s: number | string, like: Tensor): Tensor | number {
  return typeof s === 'number' ? s : dst.param(s, [], like.dtype);
}

/**
 * Replays `src` into `dst` with the branches and deltas applied; returns the value
 * map (source name → destination tensor) so callers can find outputs and cut points.
 * Branches whose weight the graph does not declare are ignored (see `unusedBranches`).
 */
export function applyLoraGraph(
  src: Graph,
  dst: Graph,
  branches: readonly LoraBranch[],
  deltas: readonly WeightDelta[] = [],
): Map<string, Tensor> {
  const byWeight = new Map<string, LoraBranch[]>();
  for (const b of branches) byWeight.set(b.weight, [...(byWeight.get(b.weight) ?? []), b]);
  const deltaBy = new Map<string, WeightDelta[]>();
  for (const d of deltas) deltaBy.set(d.weight, [...(deltaBy.get(d.weight) ?? []), d]);
  const merged = new Map<string, Tensor>();

  const ab = (b: LoraBranch, w: Tensor): [Tensor, Tensor] => {
    const [out, inF] = w.shape;
    return [dst.param(b.down, [b.rank, inF], w.dtype), dst.param(b.up, [out, b.rank], w.dtype)];
  };
  /** W + Σ scale·B·A, built once per weight for consumers other than a Linear. */
  const mergedWeight = (name: string, w: Tensor): Tensor => {
    let m = merged.get(name);
    if (!m) {
      m = w;
      for (const b of byWeight.get(name) ?? []) {
        const [a, bb] = ab(b, w);
        m = add(m, mul(matmul(bb, a), scaleTensor(dst, b.scale, w)));
      }
      merged.set(name, m);
    }
    return m;
  };

  return replayGraph(src, dst, {
    param: (info, g) => {
      const list = deltaBy.get(info.name);
      if (!list) return undefined;
      let w = g.param(info.name, info.shape, info.dtype);
      for (const d of list) w = add(w, mul(g.param(d.delta, info.shape, info.dtype), scaleTensor(g, d.scale, w)));
      return w;
    },
    node: (n, inputs, g) => {
      const adapted = n.inputs.map((t) => (t && t.kind === 'param' && byWeight.has(t.name) ? t.name : undefined));
      if (!adapted.some(Boolean)) return undefined;
      const linear =
        n.op === 'Gemm' &&
        adapted[1] !== undefined &&
        adapted[0] === undefined &&
        intAttr(n, 'transB', 0) === 1 &&
        intAttr(n, 'transA', 0) === 0 &&
        floatAttr(n, 'alpha', 1) === 1;
      if (linear) {
        const x = inputs[0] as Tensor;
        const w = inputs[1] as Tensor;
        const name = adapted[1] as string;
        let y = g.node(
          'Gemm',
          inputs,
          n.outputs.map((o) => ({ dtype: o.dtype, shape: o.shape })),
          n.attrs,
        )[0];
        for (const b of byWeight.get(name) ?? []) {
          const [a, bb] = ab(b, w);
          y = add(y, mul(gemmTransB(gemmTransB(x, a), bb), scaleTensor(g, b.scale, w)));
        }
        return [y];
      }
      // any other consumer (MatMul, Conv, …): substitute the merged weight
      const ins = inputs.map((t, i) => {
        const name = adapted[i];
        return name && t ? mergedWeight(name, t) : t;
      });
      return g.node(
        n.op,
        ins,
        n.outputs.map((o) => ({ dtype: o.dtype, shape: o.shape })),
        n.attrs,
        n.domain,
      );
    },
  });
}

/** Branches and deltas whose weight `src` does not declare (or with the wrong shape), with reasons. */
export function unusedLoraTargets(
  src: Graph,
  branches: readonly LoraBranch[],
  deltas: readonly WeightDelta[] = [],
): { weight: string; reason: string }[] {
  const params = new Map(src.params.map((p) => [p.name, p]));
  const out: { weight: string; reason: string }[] = [];
  for (const b of branches) {
    const p = params.get(b.weight);
    if (!p) out.push({ weight: b.weight, reason: 'the model has no such weight' });
    else if (p.shape.length !== 2)
      out.push({ weight: b.weight, reason: `weight is ${p.shape.length}-D, not a Linear weight` });
    else if (b.shape && (b.shape[0] !== p.shape[0] || b.shape[1] !== p.shape[1])) {
      out.push({
        weight: b.weight,
        reason: `adapter is ${b.shape[0]}×${b.shape[1]} (rank ${b.rank}) but the weight is [${p.shape.join(', ')}]`,
      });
    }
  }
  for (const d of deltas)
    if (!params.has(d.weight)) out.push({ weight: d.weight, reason: 'the model has no such weight' });
  // a weight is reported once even when several adapters miss it
  return out.filter((u, i) => out.findIndex((v) => v.weight === u.weight && v.reason === u.reason) === i);
}
