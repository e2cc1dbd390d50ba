// Shared helpers of the gradient-check tests.
import assert from 'node:assert/strict';
import { type GradCheckOptions, type GradCheckResult, gradCheck } from '../../src/engine/autograd/grad-check.js';
import type { Graph } from '../../src/engine/graph/graph.js';
import type { Tensor } from '../../src/engine/graph/tensor.js';
import { HostTensor, numel } from '../../src/engine/host-tensor.js';
import { mul } from '../../src/engine/ops/elementwise.js';
import { reduceSum } from '../../src/engine/ops/reduce.js';
import type { Runtime } from '../../src/engine/runtime/runtime.js';

/** Seeded uniform values in [lo, hi). */
export function uniform(shape: readonly number[], seed: number, lo = -1, hi = 1): HostTensor<'float32'> {
  let a = (seed * 2654435761) >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return HostTensor.f32(
    shape,
    Float32Array.from({ length: numel(shape) }, () => lo + (hi - lo) * next()),
  );
}

/** A scalar loss Σ t·r with a fixed random r, so every output element gets its own upstream gradient. */
export function project(t: Tensor, seed = 99): Tensor {
  const r = t.graph.constant(uniform(t.shape, seed), 'proj');
  return reduceSum(
    mul(t, r),
    t.shape.map((_, i) => i),
    false,
  );
}

export interface Case {
  readonly name: string;
  readonly inputs: Readonly<Record<string, HostTensor>>;
  readonly build: (g: Graph, x: Record<string, Tensor>) => Tensor;
}

/** Runs a finite-difference check of one case and asserts every tensor's errors are within `tol`. */
export async function check(
  runtime: Runtime,
  c: Case,
  tol: number,
  opts: GradCheckOptions = {},
): Promise<GradCheckResult[]> {
  const res = await gradCheck(
    runtime,
    {
      build: (g) => {
        const x: Record<string, Tensor> = {};
        for (const [k, v] of Object.entries(c.inputs)) x[k] = g.input(k, v.dtype, v.shape);
        return { loss: project(c.build(g, x)), wrt: Object.values(x) };
      },
      feeds: c.inputs,
    },
    opts,
  );
  for (const r of res) {
    if (process.env.WANJS_GRADCHECK_VERBOSE) {
      console.log(
        `${c.name} ${r.name}: coord ${r.coordError.toExponential(2)} dir ${r.directionError.toExponential(2)}`,
      );
    }
    assert.ok(r.scale > 0, `${c.name}: gradient of ${r.name} is identically zero`);
    assert.ok(
      r.coordError < tol && r.directionError < tol,
      `${c.name} d/d${r.name}: coordinate error ${r.coordError.toExponential(2)}, direction error ${r.directionError.toExponential(2)} (tolerance ${tol})`,
    );
  }
  return res;
}
