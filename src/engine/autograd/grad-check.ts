// Finite-difference checking of gradient rules: analytic gradients from the
// differentiated graph against central differences of the loss, per coordinate
// and along random directions. Float64 where every kernel has a double version.
import { ShapeError } from '../errors.js';
import { encodeGraph } from '../graph/encode-onnx.js';
import { Graph } from '../graph/graph.js';
import type { Tensor } from '../graph/tensor.js';
import { HostTensor, toFloat64Array } from '../host-tensor.js';
import type { Runtime, Session } from '../runtime/runtime.js';
import { grad } from './grad.js';
import { promoteToFloat64 } from './replay.js';

export interface GradCheckCase {
  /** Builds the forward graph; returns a scalar loss and the inputs/params to check. */
  readonly build: (g: Graph) => { loss: Tensor; wrt: readonly Tensor[] };
  /** A value for every graph input and parameter, by name (float32 or float64). */
  readonly feeds: Readonly<Record<string, HostTensor>>;
}

export interface GradCheckOptions {
  /** Promote the float32 graph to float64 before differentiating (default true). */
  readonly float64?: boolean;
  /** Relative step: h = eps·max(1, |x|) (default 1e-6 in float64, 3e-3 in float32). */
  readonly eps?: number;
  /** Coordinates checked per tensor; all when the tensor is at most this large (default 24). */
  readonly maxCoords?: number;
  /** Random ±1 directions checked per tensor (default 1). */
  readonly directions?: number;
  readonly seed?: number;
  readonly threads?: number;
}

export interface GradCheckResult {
  readonly name: string;
  /** max |analytic − numeric| over checked coordinates, over max |analytic| of the tensor. */
  readonly coordError: number;
  /** Worst error of a directional derivative along a random ±1 vector, relative to ‖analytic‖₂. */
  readonly directionError: number;
  readonly coords: number;
  /** max |analytic| over the whole tensor. */
  readonly scale: number;
}

export async function gradCheck(
  runtime: Runtime,
  c: GradCheckCase,
  opts: GradCheckOptions = {},
): Promise<GradCheckResult[]> {
  const f64 = opts.float64 ?? true;
  const eps = opts.eps ?? (f64 ? 1e-6 : 3e-3);
  const build = (withGrad: boolean): Graph => {
    const g0 = new Graph();
    const { loss, wrt } = c.build(g0);
    if (loss.shape.length !== 0 && loss.shape.some((d) => d !== 1)) {
      throw new ShapeError(`gradCheck: loss must be a scalar, got shape [${loss.shape.join(', ')}]`);
    }
    let g = g0;
    let l = loss;
    let w = wrt;
    if (f64) {
      g = new Graph();
      const map = promoteToFloat64(g0, g);
      const m = (t: Tensor): Tensor => map.get(t.name) as Tensor;
      l = m(loss);
      w = wrt.map(m);
    }
    g.output('loss', l);
    if (withGrad) {
      for (const [i, gt] of grad(g, l, w).entries()) g.output(`grad${i}`, gt);
    }
    return g;
  };
  const gFull = build(true);
  const gFwd = build(false);
  const wrtNames = (() => {
    const g0 = new Graph();
    return c.build(g0).wrt.map((t) => {
      if (t.kind !== 'input' && t.kind !== 'param') {
        throw new ShapeError(`gradCheck: '${t.name}' is a ${t.kind}; only inputs and params can be perturbed`);
      }
      return t.name;
    });
  })();
  const sessOpts = { device: 'cpu' as const, threads: opts.threads ?? 1 };
  const full = await runtime.createSession(encodeGraph(gFull), sessOpts);
  const fwd = await runtime.createSession(encodeGraph(gFwd), sessOpts);
  try {
    const feeds: Record<string, HostTensor> = {};
    for (const [k, v] of Object.entries(c.feeds)) feeds[k] = f64 ? asFloat64(v) : v;
    const res = await full.run(feeds);
    const rng = mulberry(opts.seed ?? 1);
    const out: GradCheckResult[] = [];
    for (let i = 0; i < wrtNames.length; i++) {
      const name = wrtNames[i];
      const base = feeds[name];
      if (!base) throw new ShapeError(`gradCheck: no feed for '${name}'`);
      const analytic = toFloat64Array(res[`grad${i}`]);
      const scale = analytic.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      const norm2 = Math.sqrt(analytic.reduce((m, v) => m + v * v, 0));
      const n = base.size;
      const maxCoords = opts.maxCoords ?? 24;
      const coords = n <= maxCoords ? Array.from({ length: n }, (_, k) => k) : pickCoords(n, maxCoords, rng);
      let coordErr = 0;
      for (const k of coords) {
        const num = await central(
          fwd,
          feeds,
          name,
          eps,
          (d, h) => {
            d[k] += h;
          },
          k,
        );
        coordErr = Math.max(coordErr, Math.abs(num - analytic[k]));
      }
      let dirErr = 0;
      for (let r = 0; r < (opts.directions ?? 1); r++) {
        const dir = Float64Array.from({ length: n }, () => (rng() < 0.5 ? -1 : 1));
        const num = await central(fwd, feeds, name, eps, (d, h) => {
          for (let k = 0; k < n; k++) d[k] += h * dir[k];
        });
        const an = analytic.reduce((s, v, k) => s + v * dir[k], 0);
        // a ±1 direction's derivative is typically ‖g‖₂ in size: normalise by that, not by
        // a value that cancellation can make arbitrarily small
        dirErr = Math.max(dirErr, Math.abs(num - an) / Math.max(Math.abs(an), norm2, 1e-12));
      }
      out.push({
        name,
        coordError: coordErr / Math.max(scale, 1e-12),
        directionError: dirErr,
        coords: coords.length,
        scale,
      });
    }
    return out;
  } finally {
    await full.dispose();
    await fwd.dispose();
  }
}

/** (L(x + h·d) − L(x − h·d)) / 2h with h relative to the tensor's magnitude. */
async function central(
  s: Session,
  feeds: Record<string, HostTensor>,
  name: string,
  eps: number,
  perturb: (data: Float64Array | Float32Array, h: number) => void,
  coord?: number,
): Promise<number> {
  const base = feeds[name];
  const mag = toFloat64Array(base).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const h = eps * Math.max(1, mag);
  let taken = 0;
  const run = async (sign: number): Promise<number> => {
    const data = (base.data as Float64Array | Float32Array).slice();
    perturb(data, sign * h);
    if (coord !== undefined) taken += sign * (data[coord] - (base.data as Float64Array | Float32Array)[coord]);
    const r = await s.run({ ...feeds, [name]: new HostTensor(base.dtype, base.shape, data) });
    return toFloat64Array(r.loss)[0];
  };
  const plus = await run(1);
  const minus = await run(-1);
  // a single coordinate's step is measured after rounding to the tensor's precision
  return (plus - minus) / (coord !== undefined ? taken : 2 * h);
}

function asFloat64(t: HostTensor): HostTensor {
  if (t.dtype !== 'float32') return t;
  return new HostTensor('float64', t.shape, Float64Array.from(t.data as Float32Array));
}

function pickCoords(n: number, k: number, rng: () => number): number[] {
  const set = new Set<number>();
  while (set.size < k) set.add(Math.floor(rng() * n));
  return [...set].sort((a, b) => a - b);
}

/** A small seeded uniform generator for picking coordinates. */
function mulberry(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
