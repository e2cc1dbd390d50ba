// Tensors computed from weights only (NCHWc filters, padded biases, scaled gammas):
// built inside each chunk graph ("inline"), or computed once by a separate graph and
// fed to the chunk graphs as extra weights ("prepared"), which saves re-laying out
// every filter on every chunk.
import type { Graph } from '../../../engine/graph/graph.js';
import type { Tensor } from '../../../engine/graph/tensor.js';

/** Declares a model parameter (official key name) in the graph being built. */
export type ParamFn = (name: string, shape: readonly number[]) => Tensor;

export interface DerivedParams {
  /** The tensor `recipe` builds from parameters, under a unique `key` of the given shape. */
  get(key: string, shape: readonly number[], recipe: (param: ParamFn) => Tensor): Tensor;
}

/** Builds every derived tensor inside the graph itself. */
export function inlineDerived(g: Graph): DerivedParams {
  return { get: (_key, _shape, recipe) => recipe((n, s) => g.param(n, s)) };
}

export interface Recipe {
  readonly shape: readonly number[];
  readonly recipe: (param: ParamFn) => Tensor;
}

/** Declares each derived tensor as a weight named `key`, recording how to compute it. */
export function preparedDerived(g: Graph, registry: Map<string, Recipe>): DerivedParams {
  return {
    get: (key, shape, recipe) => {
      registry.set(key, { shape, recipe });
      return g.param(key, shape);
    },
  };
}

/** The graph that computes recorded derived tensors from the official parameters (outputs named by key). */
export function buildDerivedGraph(g: Graph, registry: ReadonlyMap<string, Recipe>): void {
  for (const [key, r] of registry)
    g.output(
      key,
      r.recipe((n, s) => g.param(n, s)),
    );
}
