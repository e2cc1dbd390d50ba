// Weight-path scoping: parameters are declared under their checkpoint key paths.
import type { DType } from '../dtype.js';
import type { Graph } from '../graph/graph.js';
import type { Tensor } from '../graph/tensor.js';

export class Scope {
  readonly graph: Graph;
  readonly prefix: string;

  constructor(graph: Graph, prefix = '') {
    this.graph = graph;
    this.prefix = prefix;
  }

  /** A child scope: `s.at('blocks').at(3)` declares `blocks.3.*`. */
  at(name: string | number): Scope {
    return new Scope(this.graph, this.key(String(name)));
  }

  key(name: string): string {
    return this.prefix ? `${this.prefix}.${name}` : name;
  }

  param(name: string, shape: readonly number[], dtype: DType = 'float32'): Tensor {
    return this.graph.param(this.key(name), shape, dtype);
  }
}
