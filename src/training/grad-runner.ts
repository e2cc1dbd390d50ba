// Runs forward + backward of a loss graph on ONNX Runtime and returns the loss
// and the gradients of the trainable parameters. With cut values (block
// outputs) it checkpoints activations: segments run forward keeping only the
// values that cross segment boundaries, then each segment's backward graph
// recomputes that segment, so peak activation memory is about one segment's.
import { createHash } from 'node:crypto';
import { vjp } from '../engine/autograd/grad.js';
import { onesLike } from '../engine/autograd/rule.js';
import { copySegment, partitionGraph, type SegmentSource } from '../engine/autograd/segments.js';
import { isFloatDType } from '../engine/dtype.js';
import { throwIfAborted, WanError } from '../engine/errors.js';
import { encodeGraph } from '../engine/graph/encode-onnx.js';
import { Graph } from '../engine/graph/graph.js';
import type { Tensor } from '../engine/graph/tensor.js';
import { HostTensor, numel } from '../engine/host-tensor.js';
import type { Weights } from '../engine/program.js';
import type { Runtime, Session, SessionOptions } from '../engine/runtime/runtime.js';

/** What a loss-graph builder returns. */
export interface LossGraph {
  /** The scalar loss. */
  readonly loss: Tensor;
  /**
   * Activation-checkpointing boundaries: indices into `g.nodes` where a block
   * starts (record `g.nodes.length` before building each block, or use
   * `firstNodeReading`). Ignored when checkpointing is off.
   */
  readonly blockStarts?: readonly number[];
}

export interface GradRunnerOptions extends SessionOptions {
  /** Recompute each block in its backward pass (needs `cuts`); default false. */
  readonly checkpointing?: boolean;
}

export interface GradResult {
  readonly loss: number;
  /** d loss / d param for every trainable parameter the graph declares. */
  readonly grads: Map<string, HostTensor>;
}

interface CompiledSegment {
  readonly fwd?: Promise<Session>;
  readonly fwdSources: Map<string, SegmentSource>;
  /** Forward outputs `b{j}` → boundary value name. */
  readonly fwdOutputs: readonly string[];
  /** Absent when nothing in or before this segment needs a gradient (frozen prefix). */
  readonly bwd?: Promise<Session>;
  readonly bwdSources: Map<string, SegmentSource>;
  /** Backward seed input name → boundary value whose gradient it carries. */
  readonly seeds: ReadonlyMap<string, string>;
  /** Backward output name → boundary value or parameter name it is the gradient of. */
  readonly gradOutputs: ReadonlyMap<string, { kind: 'boundary' | 'param'; name: string }>;
  readonly hasLoss: boolean;
  /** Boundary values this segment produced: no longer needed once its backward ran. */
  readonly frees: readonly string[];
}

interface Plan {
  readonly segments: readonly CompiledSegment[];
  readonly shapes: ReadonlyMap<string, { dtype: 'float32'; shape: readonly number[] }>;
}

export class GradRunner {
  readonly #runtime: Runtime;
  readonly #opts: GradRunnerOptions;
  readonly #plans = new Map<string, Plan>();
  readonly #sessions = new Map<string, Promise<Session>>();

  constructor(runtime: Runtime, opts: GradRunnerOptions) {
    this.#runtime = runtime;
    this.#opts = opts;
  }

  /**
   * Loss and gradients for one batch. `key` names the graph shape (the plan is
   * built and compiled on first use); `weights` holds every parameter the graph
   * declares, `trainable` the names to differentiate.
   */
  async run(
    key: string,
    build: (g: Graph) => LossGraph,
    inputs: Readonly<Record<string, HostTensor>>,
    weights: Weights,
    trainable: ReadonlySet<string>,
    signal?: AbortSignal,
  ): Promise<GradResult> {
    throwIfAborted(signal);
    const planKey = `${key}|${[...trainable].sort().join(',')}`;
    let plan = this.#plans.get(planKey);
    if (!plan) {
      plan = this.#plan(build, trainable);
      this.#plans.set(planKey, plan);
    }
    const feed = (sources: Map<string, SegmentSource>, store: Map<string, HostTensor>): Record<string, HostTensor> => {
      const f: Record<string, HostTensor> = {};
      for (const [name, src] of sources) {
        const v =
          src.kind === 'input' ? inputs[src.name] : src.kind === 'param' ? weights.get(src.name) : store.get(src.name);
        if (!v) throw new WanError('E_FEED', `training graph: no value for ${src.kind} '${src.name}'`);
        f[name] = v;
      }
      return f;
    };

    const store = new Map<string, HostTensor>();
    const segs = plan.segments;
    for (let k = 0; k < segs.length - 1; k++) {
      const s = segs[k];
      const session = await (s.fwd as Promise<Session>);
      throwIfAborted(signal);
      const res = await session.run(feed(s.fwdSources, store), { signal });
      for (const [j, name] of s.fwdOutputs.entries()) store.set(name, res[`b${j}`]);
    }

    const boundaryGrads = new Map<string, HostTensor>();
    const grads = new Map<string, HostTensor>();
    let loss = Number.NaN;
    for (let k = segs.length - 1; k >= 0; k--) {
      const s = segs[k];
      if (!s.bwd) continue;
      const f = feed(s.bwdSources, store);
      for (const [input, value] of s.seeds) {
        f[input] = boundaryGrads.get(value) ?? zeros(plan.shapes.get(value)?.shape ?? []);
      }
      const session = await s.bwd;
      throwIfAborted(signal);
      const res = await session.run(f, { signal });
      if (s.hasLoss) loss = Number((res.loss.data as Float32Array)[0]);
      for (const [out, target] of s.gradOutputs) {
        const into = target.kind === 'param' ? grads : boundaryGrads;
        const prev = into.get(target.name);
        into.set(target.name, prev ? addInto(prev, res[out]) : res[out]);
      }
      for (const name of s.frees) {
        store.delete(name);
        boundaryGrads.delete(name);
      }
    }
    return { loss, grads };
  }

  #plan(build: (g: Graph) => LossGraph, trainable: ReadonlySet<string>): Plan {
    const g = new Graph();
    const { loss, blockStarts } = build(g);
    if (numel(loss.shape) !== 1 || loss.dtype !== 'float32') {
      throw new WanError(
        'E_GRAPH',
        `training loss must be a float32 scalar, got ${loss.dtype} [${loss.shape.join(', ')}]`,
      );
    }
    const cut = this.#opts.checkpointing && trainable.size > 0;
    const segments = partitionGraph(g, [loss], cut ? (blockStarts ?? []) : []);
    if (!segments[segments.length - 1].nodes.some((n) => n.outputs.includes(loss))) {
      throw new WanError(
        'E_GRAPH',
        'training graph: the loss must be computed in the last segment (after every block start)',
      );
    }
    // values that depend on a trainable parameter
    const live = new Set(g.params.filter((p) => trainable.has(p.name)).map((p) => p.name));
    for (const n of g.nodes) {
      if (n.inputs.some((t) => t && live.has(t.name)))
        for (const o of n.outputs) if (isFloatDType(o.dtype)) live.add(o.name);
    }
    const shapes = new Map<string, { dtype: 'float32'; shape: readonly number[] }>();
    for (const s of segments) for (const t of s.boundaryOut) shapes.set(t.name, { dtype: 'float32', shape: t.shape });
    const compiled = segments.map((seg, k): CompiledSegment => {
      const isLast = k === segments.length - 1;
      let fwd: Promise<Session> | undefined;
      let fwdSources = new Map<string, SegmentSource>();
      const fwdOutputs: string[] = [];
      if (!isLast) {
        const gf = new Graph();
        const copy = copySegment(g, seg, gf);
        seg.boundaryOut.forEach((t, j) => {
          gf.output(`b${j}`, copy.map.get(t.name) as Tensor);
          fwdOutputs.push(t.name);
        });
        fwd = this.#session(gf);
        fwdSources = copy.sources;
      }
      const gb = new Graph();
      const copy = copySegment(g, seg, gb);
      const m = (t: Tensor): Tensor => copy.map.get(t.name) as Tensor;
      const outs: Tensor[] = [];
      const seedTensors: Tensor[] = [];
      const seeds = new Map<string, string>();
      if (isLast) {
        gb.output('loss', m(loss));
        outs.push(m(loss));
        seedTensors.push(onesLike(m(loss)));
      }
      seg.boundaryOut.forEach((t, j) => {
        if (t === loss || !live.has(t.name)) return;
        const name = `seed${j}`;
        seeds.set(name, t.name);
        outs.push(m(t));
        seedTensors.push(gb.input(name, t.dtype, t.shape));
      });
      const wrt: Tensor[] = [];
      const gradOutputs = new Map<string, { kind: 'boundary' | 'param'; name: string }>();
      seg.boundaryIn.forEach((t) => {
        if (!live.has(t.name)) return;
        gradOutputs.set(`g${wrt.length}`, { kind: 'boundary', name: t.name });
        wrt.push(m(t));
      });
      for (const src of copy.sources.values()) {
        if (src.kind !== 'param' || !trainable.has(src.name)) continue;
        gradOutputs.set(`g${wrt.length}`, { kind: 'param', name: src.name });
        wrt.push(copy.map.get(src.name) as Tensor);
      }
      if (outs.length && wrt.length) {
        vjp(gb, outs, seedTensors, wrt).forEach((t, i) => {
          gb.output(`g${i}`, t);
        });
      } else gradOutputs.clear();
      const needsBwd = isLast || gradOutputs.size > 0;
      return {
        fwd,
        fwdSources,
        fwdOutputs,
        bwd: needsBwd ? this.#session(gb) : undefined,
        bwdSources: copy.sources,
        seeds,
        gradOutputs,
        hasLoss: isLast,
        // consumers ran their backward before the producer: its outputs are done with
        frees: seg.boundaryOut.map((t) => t.name),
      };
    });
    return { segments: compiled, shapes };
  }

  /** Compiles a segment graph once per distinct encoding (identical blocks share a session). */
  #session(g: Graph): Promise<Session> {
    const model = encodeGraph(g);
    const hash = createHash('sha256').update(model.bytes).digest('hex');
    let s = this.#sessions.get(hash);
    if (!s) {
      s = this.#runtime.createSession(model, this.#opts);
      this.#sessions.set(hash, s);
    }
    return s;
  }

  /** Number of distinct compiled graphs (identical blocks share one). */
  get sessionCount(): number {
    return this.#sessions.size;
  }

  async dispose(): Promise<void> {
    const all = [...this.#sessions.values()];
    this.#sessions.clear();
    this.#plans.clear();
    for (const s of all) await s.then((x) => x.dispose()).catch(() => undefined);
  }
}

function zeros(shape: readonly number[]): HostTensor {
  return HostTensor.zeros(shape);
}

function addInto(a: HostTensor, b: HostTensor): HostTensor {
  const x = a.data as Float32Array;
  const y = b.data as Float32Array;
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i] + y[i];
  return new HostTensor('float32', a.shape, out);
}
