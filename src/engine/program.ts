// A model program: a graph-building function plus bound weights. Graphs are
// built and compiled per input shape (sessions cached, least recently used
// evicted); the weights are fed by reference, so they are loaded only once.
import { throwIfAborted, WanError } from './errors.js';
import { encodeGraph } from './graph/encode-onnx.js';
import { Graph } from './graph/graph.js';
import { type HostTensor, shapeText } from './host-tensor.js';
import type { Runtime, Session, SessionOptions } from './runtime/runtime.js';

export type Weights = ReadonlyMap<string, HostTensor>;

/** Declared parameters of a graph builder: name -> shape. */
export function declaredParams(build: (g: Graph) => void): Map<string, readonly number[]> {
  const g = new Graph();
  build(g);
  return new Map(g.params.map((p) => [p.name, p.shape]));
}

export interface ProgramOptions extends SessionOptions {
  /** How many compiled shapes to keep (default 4). */
  readonly maxSessions?: number;
}

export class Program {
  readonly #runtime: Runtime;
  readonly #opts: ProgramOptions;
  readonly #sessions = new Map<string, Promise<Session>>();

  constructor(runtime: Runtime, opts: ProgramOptions) {
    this.#runtime = runtime;
    this.#opts = opts;
  }

  /**
   * Runs the graph for `key` (built by `build` on first use), feeding `inputs`
   * and, for every declared parameter, the tensor of that name in `weights`.
   * `compile` overrides session options for this key when it is first compiled.
   */
  async run(
    key: string,
    build: (g: Graph) => void,
    inputs: Readonly<Record<string, HostTensor>>,
    weights: Weights,
    signal?: AbortSignal,
    compile?: { readonly lowMemory?: boolean },
  ): Promise<Record<string, HostTensor>> {
    throwIfAborted(signal);
    let sp = this.#sessions.get(key);
    if (sp) {
      this.#sessions.delete(key);
      this.#sessions.set(key, sp);
    } else {
      sp = this.#compile(build, compile?.lowMemory ?? this.#opts.lowMemory);
      this.#sessions.set(key, sp);
      sp.catch(() => this.#sessions.delete(key));
      await this.#evict();
    }
    const session = await sp;
    throwIfAborted(signal);
    const feeds: Record<string, HostTensor> = { ...inputs };
    for (const name of session.inputNames) {
      if (name in feeds) continue;
      const w = weights.get(name);
      if (!w) throw new WanError('E_WEIGHTS', `no weight bound for parameter '${name}'`);
      feeds[name] = w;
    }
    return session.run(feeds, { signal });
  }

  async #compile(build: (g: Graph) => void, lowMemory: boolean | undefined): Promise<Session> {
    const g = new Graph();
    build(g);
    return this.#runtime.createSession(encodeGraph(g), { ...this.#opts, lowMemory });
  }

  async #evict(): Promise<void> {
    const max = this.#opts.maxSessions ?? 4;
    while (this.#sessions.size > max) {
      const [oldest, sp] = this.#sessions.entries().next().value as [string, Promise<Session>];
      this.#sessions.delete(oldest);
      await sp.then((s) => s.dispose()).catch(() => undefined);
    }
  }

  async dispose(): Promise<void> {
    const all = [...this.#sessions.values()];
    this.#sessions.clear();
    for (const sp of all) await sp.then((s) => s.dispose()).catch(() => undefined);
  }
}

/** Checks that every declared parameter has a weight of the declared shape. */
export function checkWeights(declared: ReadonlyMap<string, readonly number[]>, weights: Weights): void {
  const missing: string[] = [];
  const wrong: string[] = [];
  for (const [name, shape] of declared) {
    const w = weights.get(name);
    if (!w) missing.push(name);
    else if (shapeText(w.shape) !== shapeText(shape))
      wrong.push(`${name}: expected ${shapeText(shape)}, got ${shapeText(w.shape)}`);
  }
  if (missing.length || wrong.length) {
    const parts = [];
    if (missing.length)
      parts.push(`${missing.length} missing (${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', …' : ''})`);
    if (wrong.length) parts.push(`${wrong.length} of the wrong shape (${wrong.slice(0, 5).join('; ')})`);
    throw new WanError('E_WEIGHTS', `weights do not match the model: ${parts.join('; ')}`);
  }
}
