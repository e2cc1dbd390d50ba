// FlowDPMSolverMultistepScheduler as the official Wan pipelines configure it:
// DPM-Solver++ (data prediction), order 2, midpoint, final σ = 0, over the
// `get_sampling_sigmas` grid. First order on the first and the last step,
// second order in between. Scalars follow the reference's float32 arithmetic.
import { f32, lambdaF32 } from './float32-math.js';
import { FlowSchedulerBase } from './flow-scheduler-base.js';
import { dpmSigmaGrid } from './flow-shift.js';
import type { SchedulerOptions } from './scheduler.js';

/** DPM-Solver++(2M) midpoint sampler over the DPM++ grid (first σ = 1 exactly). */
export class FlowDPMSolverScheduler extends FlowSchedulerBase {
  readonly name = 'dpm++' as const;
  /** x0 prediction m_{i−1} of the previous step. */
  #mPrev: Float32Array | null = null;

  constructor(options: SchedulerOptions) {
    super(options, dpmSigmaGrid);
  }

  protected update(i: number, modelOutput: Float32Array, sample: Float32Array): Float32Array {
    const n = sample.length;
    const sigmaS = this.sig[i];
    const sigmaT = this.sig[i + 1];
    const m = new Float32Array(n);
    for (let k = 0; k < n; k++) m[k] = sample[k] - f32(sigmaS * modelOutput[k]);

    const lambdaS = lambdaF32(sigmaS);
    // h = +∞ when σ_s = 1 (first step) or σ_t = 0 (last step); e^{−h} = 0 then.
    const h = f32(lambdaF32(sigmaT) - lambdaS);
    const ratio = f32(sigmaT / sigmaS);
    const w = f32(f32(1 - sigmaT) * f32(f32(Math.exp(-h)) - 1));
    const out = new Float32Array(n);
    const prev = this.#mPrev;
    this.#mPrev = m;
    if (prev === null || i === this.steps - 1) {
      for (let k = 0; k < n; k++) out[k] = f32(ratio * sample[k]) - f32(w * m[k]);
      return out;
    }
    // After a σ = 1 step h0 = +∞, so 1/r0 = 0 and the second-order term vanishes.
    const h0 = f32(lambdaS - lambdaF32(this.sig[i - 1]));
    const invR0 = f32(1 / f32(h0 / h));
    const halfW = f32(0.5 * w);
    for (let k = 0; k < n; k++) {
      const d1 = f32(invR0 * f32(m[k] - prev[k]));
      out[k] = f32(f32(ratio * sample[k]) - f32(w * m[k])) - f32(halfW * d1);
    }
    return out;
  }
}
