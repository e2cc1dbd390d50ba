// The common face of the flow-matching samplers and a factory for them.
import { SchedulerInputError } from './errors.js';
import { FlowDPMSolverScheduler } from './flow-dpmpp.js';
import { FlowEulerScheduler } from './flow-euler.js';
import { FlowUniPCScheduler } from './flow-unipc.js';

/** The samplers wanjs provides. */
export type SchedulerName = 'unipc' | 'dpm++' | 'euler';

/** Every accepted {@link SchedulerName}, in a stable order. */
export const SCHEDULER_NAMES: readonly SchedulerName[] = Object.freeze(['unipc', 'dpm++', 'euler']);

/** How many steps to take and the timestep shift (`S(s) = shift·s / (1 + (shift − 1)·s)`). */
export interface SchedulerOptions {
  /** Number of sampling steps (model evaluations), an integer ≥ 1. */
  readonly steps: number;
  /** Timestep shift, > 0 (1 = no shift). */
  readonly shift: number;
}

/**
 * A flow-matching sampler for one run. The model predicts the velocity
 * `v = noise − x0` at noise level σ; each `step` advances the flattened float32
 * sample from `sigmas[stepIndex]` to `sigmas[stepIndex + 1]`. All state (step
 * index, multistep history) lives in the instance: make a new one per run.
 */
export interface FlowScheduler {
  readonly name: SchedulerName;
  readonly steps: number;
  readonly shift: number;
  /** Integer timesteps `trunc(1000·σ_i)`, one per step: what the model is conditioned on. */
  readonly timesteps: readonly number[];
  /** `steps + 1` float32 noise levels ending with 0 (a copy: changing it does not affect the run). */
  readonly sigmas: Float32Array;
  /** Index into `sigmas`/`timesteps` that the next `step` uses. */
  readonly stepIndex: number;
  /** True once every step has been taken; `step` then throws. */
  readonly done: boolean;
  /**
   * Advances one step and returns the new sample (a fresh array; the inputs are
   * neither modified nor retained). `modelOutput` is the velocity predicted for
   * `sample` at the current timestep; both must have the same length on every call.
   */
  step(modelOutput: Float32Array, sample: Float32Array): Float32Array;
}

/**
 * Creates a sampler: `'unipc'` (FlowUniPCMultistepScheduler, the official default),
 * `'dpm++'` (FlowDPMSolverMultistepScheduler, order 2 midpoint) or `'euler'`
 * (first-order flow-matching Euler on the DPM++ grid).
 */
export function createScheduler(name: SchedulerName, options: SchedulerOptions): FlowScheduler {
  switch (name) {
    case 'unipc':
      return new FlowUniPCScheduler(options);
    case 'dpm++':
      return new FlowDPMSolverScheduler(options);
    case 'euler':
      return new FlowEulerScheduler(options);
    default:
      throw new SchedulerInputError(
        `unknown scheduler ${JSON.stringify(name)}; expected one of ${SCHEDULER_NAMES.map((n) => `'${n}'`).join(', ')}`,
      );
  }
}
