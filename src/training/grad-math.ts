// Host-side gradient arithmetic: accumulation, averaging, global-norm clipping.
import { HostTensor } from '../engine/host-tensor.js';

/** acc += g for every name (acc takes fresh copies the first time). */
export function accumulateGrads(
  acc: Map<string, Float32Array>,
  grads: ReadonlyMap<string, HostTensor>,
  names: ReadonlySet<string>,
): void {
  for (const name of names) {
    const g = grads.get(name);
    if (!g) continue;
    const d = g.data as Float32Array;
    const a = acc.get(name);
    if (!a) acc.set(name, d.slice());
    else for (let i = 0; i < a.length; i++) a[i] += d[i];
  }
}

/** √Σ g² over all gradients, in float64. */
export function globalNorm(grads: ReadonlyMap<string, Float32Array>): number {
  let s = 0;
  for (const g of grads.values()) for (let i = 0; i < g.length; i++) s += g[i] * g[i];
  return Math.sqrt(s);
}

/** Multiplies every gradient by `f` in place. */
export function scaleGrads(grads: Map<string, Float32Array>, f: number): void {
  if (f === 1) return;
  for (const g of grads.values()) for (let i = 0; i < g.length; i++) g[i] *= f;
}

/** The clip factor of torch.nn.utils.clip_grad_norm_: max/(norm + 1e-6) when norm exceeds max. */
export function clipFactor(norm: number, maxNorm: number | undefined): number {
  if (!maxNorm || !(norm > maxNorm)) return 1;
  return maxNorm / (norm + 1e-6);
}

export function asTensors(
  grads: ReadonlyMap<string, Float32Array>,
  shapes: ReadonlyMap<string, HostTensor>,
): Map<string, HostTensor> {
  const out = new Map<string, HostTensor>();
  for (const [k, g] of grads) out.set(k, new HostTensor('float32', (shapes.get(k) as HostTensor).shape, g));
  return out;
}
