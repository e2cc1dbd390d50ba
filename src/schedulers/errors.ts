// The schedulers import nothing from the rest of wanjs, so they carry their own
// error type. It mirrors InputError's stable code so callers can treat both alike.

/** A scheduler was given an invalid option or tensor, or was stepped past its end. */
export class SchedulerInputError extends RangeError {
  /** Same code as the engine's InputError. */
  readonly code = 'E_INPUT';
  constructor(message: string) {
    super(message);
    this.name = 'SchedulerInputError';
  }
}

/** Throws unless `steps` is an integer ≥ 1. */
export function checkSteps(steps: number): void {
  if (!Number.isSafeInteger(steps) || steps < 1) {
    throw new SchedulerInputError(`scheduler option 'steps' must be an integer >= 1, got ${String(steps)}`);
  }
}

/** Throws unless `shift` is a finite number > 0. */
export function checkShift(shift: number): void {
  if (typeof shift !== 'number' || !Number.isFinite(shift) || shift <= 0) {
    throw new SchedulerInputError(`scheduler option 'shift' must be a finite number > 0, got ${String(shift)}`);
  }
}

/** Throws unless the model output and the sample have the same (non-zero) length. */
export function checkStepInputs(scheduler: string, modelOutput: Float32Array, sample: Float32Array): void {
  if (!(modelOutput instanceof Float32Array) || !(sample instanceof Float32Array)) {
    throw new SchedulerInputError(`${scheduler}.step: modelOutput and sample must be Float32Arrays`);
  }
  if (modelOutput.length !== sample.length) {
    throw new SchedulerInputError(
      `${scheduler}.step: modelOutput has ${modelOutput.length} elements but sample has ${sample.length}; they must match`,
    );
  }
}
