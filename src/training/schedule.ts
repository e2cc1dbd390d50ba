// Learning-rate schedules: linear warm-up, then cosine (or linear, or constant)
// decay to a floor at the last step.
import { InputError } from '../engine/errors.js';

export interface LrSchedule {
  /** Peak learning rate. */
  readonly lr: number;
  /** Steps of linear warm-up from lr/warmupSteps to lr (default 0). */
  readonly warmupSteps?: number;
  /** Step at which decay ends (default: the run's total steps). */
  readonly totalSteps?: number;
  /** Final learning rate (default 0). */
  readonly minLr?: number;
  readonly decay?: 'cosine' | 'linear' | 'constant';
}

/** Learning rate for update number `step` (0-based). */
export function lrAt(step: number, s: LrSchedule, runSteps: number): number {
  const warm = s.warmupSteps ?? 0;
  const total = s.totalSteps ?? runSteps;
  const min = s.minLr ?? 0;
  if (!(s.lr >= 0) || warm < 0 || !(min >= 0)) throw new InputError(`schedule: invalid ${JSON.stringify(s)}`);
  if (step < warm) return (s.lr * (step + 1)) / warm;
  const decay = s.decay ?? 'cosine';
  if (decay === 'constant') return s.lr;
  const span = Math.max(1, total - warm);
  const p = Math.min(1, Math.max(0, (step - warm) / span));
  const f = decay === 'linear' ? 1 - p : 0.5 * (1 + Math.cos(Math.PI * p));
  return min + (s.lr - min) * f;
}
