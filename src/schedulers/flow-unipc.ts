// FlowUniPCMultistepScheduler as the official Wan pipelines configure it: solver
// order 2, B(h) = expm1(h) ("bh2"), data (x0) prediction, lower-order final steps
// and the UniC corrector on every step after the first. Scalars follow the
// reference's float32 0-d tensor arithmetic op by op (see float32-math.ts).
import { f32, lambdaF32 } from './float32-math.js';
import { FlowSchedulerBase } from './flow-scheduler-base.js';
import { unipcSigmaGrid } from './flow-shift.js';
import type { SchedulerOptions } from './scheduler.js';
import { solveUniC2 } from './unic-solve.js';

const SOLVER_ORDER = 2;

/** Coefficients shared by the predictor and the corrector for a step from σ_s to σ_t. */
interface Coeffs {
  /** `σ_t / σ_s`. */
  readonly ratio: number;
  /** `α_t · expm1(−h)`, the x0 weight (also `α_t·B(h)` for bh2). */
  readonly phi: number;
  readonly h: number;
  /** `−h`. */
  readonly hh: number;
  /** `expm1(−h)`. */
  readonly b: number;
}

function coeffs(sigmaS: number, sigmaT: number): Coeffs {
  const h = f32(lambdaF32(sigmaT) - lambdaF32(sigmaS));
  const hh = -h;
  const b = f32(Math.expm1(hh));
  return { ratio: f32(sigmaT / sigmaS), phi: f32(f32(1 - sigmaT) * b), h, hh, b };
}

/** UniPC-2 (bh2) multistep sampler over the UniPC grid (first σ = S(0.999)). */
export class FlowUniPCScheduler extends FlowSchedulerBase {
  readonly name = 'unipc' as const;
  /** x0 predictions m_{i−1}, m_{i−2} of the two previous steps. */
  #m1: Float32Array | null = null;
  #m2: Float32Array | null = null;
  /** The (corrected) sample the previous predictor started from. */
  #lastSample: Float32Array | null = null;
  #lastOrder = 0;
  #lowerOrderNums = 0;

  constructor(options: SchedulerOptions) {
    super(options, unipcSigmaGrid);
  }

  protected update(i: number, modelOutput: Float32Array, sample: Float32Array): Float32Array {
    const n = sample.length;
    const sigma = this.sig[i];
    // The x0 prediction uses the sample as given, before the corrector refines it.
    const m = new Float32Array(n);
    for (let k = 0; k < n; k++) m[k] = sample[k] - f32(sigma * modelOutput[k]);

    let x = sample;
    if (this.#lastSample !== null && this.#m1 !== null) x = this.#correct(i, m, this.#lastSample, this.#m1);

    const order = Math.min(SOLVER_ORDER, this.steps - i, this.#lowerOrderNums + 1);
    const prev = this.#m1;
    this.#m2 = this.#m1;
    this.#m1 = m;
    this.#lastSample = x === sample ? Float32Array.from(sample) : x;
    this.#lastOrder = order;
    if (this.#lowerOrderNums < SOLVER_ORDER) this.#lowerOrderNums++;
    return this.#predict(i, x, m, order === 2 ? prev : null);
  }

  /** UniP: from σ_i to σ_{i+1}; second order when the previous x0 prediction is given. */
  #predict(i: number, x: Float32Array, m0: Float32Array, mPrev: Float32Array | null): Float32Array {
    const c = coeffs(this.sig[i], this.sig[i + 1]);
    const n = x.length;
    const out = new Float32Array(n);
    if (mPrev === null) {
      for (let k = 0; k < n; k++) out[k] = f32(c.ratio * x[k]) - f32(c.phi * m0[k]);
      return out;
    }
    const lambdaS0 = lambdaF32(this.sig[i]);
    const rk = f32(f32(lambdaF32(this.sig[i - 1]) - lambdaS0) / c.h);
    for (let k = 0; k < n; k++) {
      const base = f32(f32(c.ratio * x[k]) - f32(c.phi * m0[k]));
      const d1 = f32(f32(mPrev[k] - m0[k]) / rk);
      out[k] = base - f32(c.phi * f32(0.5 * d1));
    }
    return out;
  }

  /**
   * UniC: recomputes the step σ_{i−1} → σ_i from the previous predictor's start
   * `x` using the new x0 prediction `mNew`, with the order the predictor used.
   */
  #correct(i: number, mNew: Float32Array, x: Float32Array, m0: Float32Array): Float32Array {
    const c = coeffs(this.sig[i - 1], this.sig[i]);
    const n = x.length;
    const out = new Float32Array(n);
    if (this.#lastOrder === 1 || this.#m2 === null) {
      for (let k = 0; k < n; k++) {
        const base = f32(f32(c.ratio * x[k]) - f32(c.phi * m0[k]));
        out[k] = base - f32(c.phi * f32(0.5 * f32(mNew[k] - m0[k])));
      }
      return out;
    }
    const m1 = this.#m2;
    const lambdaS0 = lambdaF32(this.sig[i - 1]);
    const rk = f32(f32(lambdaF32(this.sig[i - 2]) - lambdaS0) / c.h);
    // b_k = k!·φ_k(hh)/B(h) for k = 1, 2 with φ_1 = expm1(hh)/hh − 1, φ_2 = φ_1/hh − 1/2.
    const phi1 = f32(f32(c.b / c.hh) - 1);
    const phi2 = f32(f32(phi1 / c.hh) - 0.5);
    const b1 = f32(phi1 / c.b);
    const b2 = f32(f32(phi2 * 2) / c.b);
    const [rho0, rho1] = solveUniC2(rk, b1, b2);
    for (let k = 0; k < n; k++) {
      const base = f32(f32(c.ratio * x[k]) - f32(c.phi * m0[k]));
      const d1 = f32(f32(m1[k] - m0[k]) / rk);
      const res = f32(f32(rho0 * d1) + f32(rho1 * f32(mNew[k] - m0[k])));
      out[k] = base - f32(c.phi * res);
    }
    return out;
  }
}
