// Plain flow-matching Euler, x_{i+1} = x_i + (σ_{i+1} − σ_i)·v_i, in float32.
// It runs on the DPM++ grid (`get_sampling_sigmas`), which starts at σ = 1
// exactly, so a run from pure noise integrates the whole path; the UniPC grid
// would start at S(0.999) and leave a sliver of noise unaccounted for.
import { f32 } from './float32-math.js';
import { FlowSchedulerBase } from './flow-scheduler-base.js';
import { dpmSigmaGrid } from './flow-shift.js';
import type { SchedulerOptions } from './scheduler.js';

/** First-order Euler sampler over the DPM++ grid (first σ = 1, last 0). */
export class FlowEulerScheduler extends FlowSchedulerBase {
  readonly name = 'euler' as const;

  constructor(options: SchedulerOptions) {
    super(options, dpmSigmaGrid);
  }

  protected update(i: number, modelOutput: Float32Array, sample: Float32Array): Float32Array {
    const dt = f32(this.sig[i + 1] - this.sig[i]);
    const out = new Float32Array(sample.length);
    for (let k = 0; k < sample.length; k++) out[k] = sample[k] + f32(dt * modelOutput[k]);
    return out;
  }
}
