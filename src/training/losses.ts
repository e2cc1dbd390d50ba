// Loss functions as graph builders (scalar float32 results), and the flow-matching
// training pair as Wan trains it.
//
// Flow matching (rectified flow, as the Wan DiT is trained): for clean latents x0,
// noise n ~ N(0, I) and a noise level σ ∈ (0, 1),
//   x_t = (1 − σ)·x0 + σ·n,   target velocity v = n − x0,
//   loss = mean((model(x_t, t = 1000·σ, context) − v)²).
// σ is drawn as σ = S(s) with s ~ U(0, 1) and the timestep shift
//   S(s) = shift·s / (1 + (shift − 1)·s),
// the same shift the samplers apply to their grids (shift > 1 favours high noise).
import { ShapeError } from '../engine/errors.js';
import type { Tensor } from '../engine/graph/tensor.js';
import { abs, add, exp, mul, sub } from '../engine/ops/elementwise.js';
import { reduceMean, reduceSum } from '../engine/ops/reduce.js';
import { shiftSigma } from '../schedulers/flow-shift.js';
import type { TrainRng } from './rng.js';

function allAxes(t: Tensor): number[] {
  return t.shape.map((_, i) => i);
}

function mean(t: Tensor): Tensor {
  return t.shape.length ? reduceMean(t, allAxes(t), false) : t;
}

function check(what: string, a: Tensor, b: Tensor): void {
  if (a.shape.join() !== b.shape.join()) {
    throw new ShapeError(`${what}: prediction [${a.shape.join(', ')}] and target [${b.shape.join(', ')}] differ`);
  }
}

/** mean((pred − target)²). */
export function mseLoss(pred: Tensor, target: Tensor): Tensor {
  check('mseLoss', pred, target);
  const d = sub(pred, target);
  return mean(mul(d, d));
}

/** mean(|pred − target|). */
export function l1Loss(pred: Tensor, target: Tensor): Tensor {
  check('l1Loss', pred, target);
  return mean(abs(sub(pred, target)));
}

/**
 * KL(N(mean, exp(logvar)) ‖ N(0, I)) = −½ Σ (1 + logvar − mean² − exp(logvar)),
 * summed over all elements and divided by `per` (e.g. the batch size or the element count).
 */
export function gaussianKl(meanT: Tensor, logvar: Tensor, per = 1): Tensor {
  check('gaussianKl', meanT, logvar);
  const inner = sub(sub(add(logvar, 1), mul(meanT, meanT)), exp(logvar));
  return mul(reduceSum(inner, allAxes(inner), false), -0.5 / per);
}

export interface VaeLossOptions {
  readonly reconstruction: 'l1' | 'l2';
  /** Weight of the KL term (default 1e-6, a typical VAE setting). */
  readonly klWeight?: number;
}

/** VAE loss: mean L1/L2 reconstruction error + klWeight · KL per element of the latent. */
export function vaeLoss(recon: Tensor, x: Tensor, meanT: Tensor, logvar: Tensor, o: VaeLossOptions): Tensor {
  const rec = o.reconstruction === 'l1' ? l1Loss(recon, x) : mseLoss(recon, x);
  const n = meanT.shape.reduce((a, d) => a * d, 1);
  return add(rec, mul(gaussianKl(meanT, logvar, n), o.klWeight ?? 1e-6));
}

/** The timestep of a noise level: t = 1000·σ (continuous; the samplers use trunc(1000·σ)). */
export const TIMESTEP_SCALE = 1000;

export interface FlowPair {
  readonly xt: Float32Array;
  readonly target: Float32Array;
  readonly sigma: number;
  readonly t: number;
}

/** Draws σ (one uniform) then the noise (x0.length normals) and forms (x_t, v). */
export function flowMatchingPair(x0: Float32Array, rng: TrainRng, shift: number): FlowPair {
  const sigma = shiftSigma(rng.uniform(), shift);
  const xt = new Float32Array(x0.length);
  const target = new Float32Array(x0.length);
  for (let i = 0; i < x0.length; i++) {
    const n = rng.normal();
    xt[i] = (1 - sigma) * x0[i] + sigma * n;
    target[i] = n - x0[i];
  }
  return { xt, target, sigma, t: TIMESTEP_SCALE * sigma };
}
