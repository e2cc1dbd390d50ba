// Initial weights for training the built-in model from scratch: PyTorch's default
// initialisation for convolutions and linears, with the handful of overrides the
// Wan modules use (norm gains 1, zero-initialised output projections), all drawn
// from one seeded stream so a retrain starts from the same bits.
import { HostTensor } from '../engine/host-tensor.js';
import { TrainRng } from '../training/rng.js';

/** How one parameter starts. */
export type InitRule =
  | { readonly kind: 'uniform'; readonly bound: number }
  | { readonly kind: 'normal'; readonly std: number }
  | { readonly kind: 'const'; readonly value: number }
  /** Anything else: fills `data` (zeros on entry) from `rng`. */
  | { readonly kind: 'custom'; readonly fill: (data: Float32Array, rng: TrainRng) => void };

/** Picks the rule for a parameter (name and shape); undefined falls back to the PyTorch default. */
export type InitPolicy = (name: string, shape: readonly number[]) => InitRule | undefined;

/** PyTorch's default for Linear/Conv weights and biases: U(±1/√fan_in); 1-D gains (norms) 1. */
export function torchDefault(
  name: string,
  shape: readonly number[],
  weightOf: ReadonlyMap<string, readonly number[]>,
): InitRule {
  if (name.endsWith('.gamma') || /norm[^.]*\.weight$/.test(name)) return { kind: 'const', value: 1 };
  if (name.endsWith('.bias')) {
    const w = weightOf.get(`${name.slice(0, -'.bias'.length)}.weight`);
    const fanIn = w ? w.slice(1).reduce((a, b) => a * b, 1) : shape[0];
    return { kind: 'uniform', bound: 1 / Math.sqrt(fanIn) };
  }
  const fanIn = shape.length > 1 ? shape.slice(1).reduce((a, b) => a * b, 1) : shape[0];
  return { kind: 'uniform', bound: 1 / Math.sqrt(fanIn) };
}

/**
 * Float32 initial values for every declared parameter, in name order, from `seed`.
 * `policy` overrides the default rule per parameter.
 */
export function initParams(
  declared: ReadonlyMap<string, readonly number[]>,
  seed: number,
  policy: InitPolicy = () => undefined,
): Map<string, HostTensor> {
  const rng = new TrainRng(seed);
  const out = new Map<string, HostTensor>();
  for (const name of [...declared.keys()].sort()) {
    const shape = declared.get(name) as readonly number[];
    const rule = policy(name, shape) ?? torchDefault(name, shape, declared);
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    if (rule.kind === 'const') data.fill(rule.value);
    else if (rule.kind === 'uniform') for (let i = 0; i < n; i++) data[i] = (2 * rng.uniform() - 1) * rule.bound;
    else if (rule.kind === 'normal') for (let i = 0; i < n; i++) data[i] = rng.normal() * rule.std;
    else rule.fill(data, rng);
    out.set(name, HostTensor.f32(shape, data));
  }
  return out;
}

/** Xavier-uniform bound of a 2-D weight [out, in] (Wan's DiT init). */
export function xavierBound(shape: readonly number[]): number {
  const fanOut = shape[0];
  const fanIn = shape.slice(1).reduce((a, b) => a * b, 1);
  return Math.sqrt(6 / (fanIn + fanOut));
}
