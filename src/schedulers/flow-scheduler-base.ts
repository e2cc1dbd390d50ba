// Bookkeeping shared by the samplers: the grid, the explicit step index, input
// checks. Subclasses only supply the update of one step.
import { checkStepInputs, SchedulerInputError } from './errors.js';
import type { SigmaGrid } from './flow-shift.js';
import type { FlowScheduler, SchedulerName, SchedulerOptions } from './scheduler.js';
import { initialStepIndex } from './step-index.js';

/** Base class of the samplers; see {@link FlowScheduler}. */
export abstract class FlowSchedulerBase implements FlowScheduler {
  abstract readonly name: SchedulerName;
  readonly steps: number;
  readonly shift: number;
  readonly timesteps: readonly number[];
  readonly sigmas: Float32Array;
  /** The float64 shifted grid the float32 sigmas were rounded from (`steps` values). */
  readonly shiftedSigmas: Float64Array;
  /** The grid the maths reads: a private copy, so callers cannot alter a run through `sigmas`. */
  protected readonly sig: Float32Array;
  /** Index of the first step: 0, or 1 when the first timestep repeats (see step-index.ts). */
  readonly beginIndex: number;
  #index: number;
  #length = -1;

  protected constructor(options: SchedulerOptions, makeGrid: (steps: number, shift: number) => SigmaGrid) {
    if (options === null || typeof options !== 'object') {
      throw new SchedulerInputError(`scheduler options must be an object {steps, shift}, got ${String(options)}`);
    }
    const grid = makeGrid(options.steps, options.shift);
    this.steps = options.steps;
    this.shift = options.shift;
    this.timesteps = grid.timesteps;
    this.sigmas = grid.sigmas;
    this.shiftedSigmas = grid.shifted;
    this.sig = Float32Array.from(grid.sigmas);
    this.beginIndex = initialStepIndex(grid.timesteps);
    this.#index = this.beginIndex;
  }

  get stepIndex(): number {
    return this.#index;
  }

  get done(): boolean {
    return this.#index >= this.steps;
  }

  step(modelOutput: Float32Array, sample: Float32Array): Float32Array {
    if (this.done) {
      const repeat =
        this.beginIndex > 0
          ? ` (its first timestep ${this.timesteps[0]} repeats, so like the reference it started at index ${this.beginIndex} and runs ${this.steps - this.beginIndex} steps)`
          : '';
      throw new SchedulerInputError(
        `${this.name}.step: all steps of the ${this.steps}-step schedule have been taken${repeat}; create a new scheduler for another run`,
      );
    }
    checkStepInputs(this.name, modelOutput, sample);
    if (this.#length >= 0 && sample.length !== this.#length) {
      throw new SchedulerInputError(
        `${this.name}.step: sample has ${sample.length} elements but earlier steps of this run had ${this.#length}`,
      );
    }
    const out = this.update(this.#index, modelOutput, sample);
    this.#length = sample.length;
    this.#index++;
    return out;
  }

  /** Computes the sample at `sigmas[i + 1]`; must not modify or keep the inputs. */
  protected abstract update(i: number, modelOutput: Float32Array, sample: Float32Array): Float32Array;
}
