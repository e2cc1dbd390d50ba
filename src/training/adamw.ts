// AdamW (Loshchilov & Hutter) as torch.optim.AdamW computes it: decoupled weight
// decay p ← p·(1 − lr·wd), then the bias-corrected Adam update. Moments are
// float32 like the parameters; each element is updated in float64 and rounded,
// which is deterministic, so a resumed run repeats the same bits.
import { InputError } from '../engine/errors.js';
import { HostTensor, shapeText } from '../engine/host-tensor.js';

export interface AdamWConfig {
  readonly lr: number;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly eps?: number;
  /** Decoupled weight decay (default 0.01, as PyTorch). */
  readonly weightDecay?: number;
}

export interface AdamWState {
  /** First and second moments per parameter name. */
  readonly m: Map<string, Float32Array>;
  readonly v: Map<string, Float32Array>;
}

export function checkAdamW(c: AdamWConfig): Required<AdamWConfig> {
  const r = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, ...c };
  const bad = (k: string, v: number): never => {
    throw new InputError(`optimizer.${k}: invalid value ${v}`);
  };
  if (!(r.lr >= 0)) bad('lr', r.lr);
  if (!(r.beta1 >= 0 && r.beta1 < 1)) bad('beta1', r.beta1);
  if (!(r.beta2 >= 0 && r.beta2 < 1)) bad('beta2', r.beta2);
  if (!(r.eps > 0)) bad('eps', r.eps);
  if (!(r.weightDecay >= 0)) bad('weightDecay', r.weightDecay);
  return r;
}

/**
 * One update of the named parameters (in place) at step `t` (1-based) with
 * learning rate `lr`; `decay(name)` says whether weight decay applies.
 */
export function adamwStep(
  params: Map<string, HostTensor>,
  grads: ReadonlyMap<string, HostTensor>,
  state: AdamWState,
  config: AdamWConfig,
  lr: number,
  t: number,
  decay: (name: string) => boolean = () => true,
): void {
  const c = checkAdamW(config);
  const bc1 = 1 - c.beta1 ** t;
  const bc2 = Math.sqrt(1 - c.beta2 ** t);
  for (const [name, g] of grads) {
    const p = params.get(name);
    if (!p) throw new InputError(`AdamW: gradient for unknown parameter '${name}'`);
    if (p.dtype !== 'float32' || g.dtype !== 'float32' || p.size !== g.size) {
      throw new InputError(
        `AdamW: parameter '${name}' ${p.dtype} ${shapeText(p.shape)} and its gradient ${g.dtype} ${shapeText(g.shape)} must be float32 of one shape`,
      );
    }
    const pd = p.data as Float32Array;
    const gd = g.data as Float32Array;
    let m = state.m.get(name);
    let v = state.v.get(name);
    if (!m || !v) {
      m = new Float32Array(pd.length);
      v = new Float32Array(pd.length);
      state.m.set(name, m);
      state.v.set(name, v);
    }
    const wd = decay(name) ? 1 - lr * c.weightDecay : 1;
    const stepSize = lr / bc1;
    for (let i = 0; i < pd.length; i++) {
      const gi = gd[i];
      const mi = c.beta1 * m[i] + (1 - c.beta1) * gi;
      const vi = c.beta2 * v[i] + (1 - c.beta2) * gi * gi;
      m[i] = mi;
      v[i] = vi;
      pd[i] = pd[i] * wd - (stepSize * m[i]) / (Math.sqrt(v[i]) / bc2 + c.eps);
    }
  }
}

/** Copies a parameter map into fresh float32 storage the optimiser may update in place. */
export function cloneParams(params: ReadonlyMap<string, HostTensor>): Map<string, HostTensor> {
  const out = new Map<string, HostTensor>();
  for (const [k, t] of params) {
    if (t.dtype !== 'float32') throw new InputError(`parameter '${k}' is ${t.dtype}; training needs float32 weights`);
    out.set(k, new HostTensor('float32', t.shape, (t.data as Float32Array).slice()));
  }
  return out;
}
