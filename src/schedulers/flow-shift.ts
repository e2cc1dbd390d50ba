// Shifted flow-matching noise levels. Grids are built in float64 exactly as the
// reference builds them with NumPy (`linspace` = k·step + start, then the shift),
// and only the final sigmas are rounded to float32, so integer timesteps and
// float32 sigmas come out bit-identical.
import { checkShift, checkSteps } from './errors.js';

/** `float32(0.999)`: the largest training sigma, where the UniPC grid starts. */
export const UNIPC_SIGMA_MAX = Math.fround(0.999);

/** Number of training timesteps; integer timesteps are `trunc(1000·σ)`. */
export const NUM_TRAIN_TIMESTEPS = 1000;

/** The timestep shift `S(s) = shift·s / (1 + (shift − 1)·s)`, in float64. */
export function shiftSigma(s: number, shift: number): number {
  return (shift * s) / (1 + (shift - 1) * s);
}

/** NumPy's `linspace(start, stop, num)` (endpoint included), in float64. */
export function linspace(start: number, stop: number, num: number): Float64Array {
  const out = new Float64Array(num);
  if (num === 0) return out;
  if (num === 1) {
    out[0] = start;
    return out;
  }
  const div = num - 1;
  const delta = stop - start;
  const step = delta / div;
  for (let k = 0; k < num; k++) out[k] = step === 0 ? (k / div) * delta + start : k * step + start;
  out[num - 1] = stop;
  return out;
}

/** A sampling schedule of `steps` steps. */
export interface SigmaGrid {
  /** The `steps` shifted sigmas in float64, before rounding (the DPM++ `sampling_sigmas`). */
  readonly shifted: Float64Array;
  /** `steps + 1` float32 sigmas: the shifted grid followed by a final 0. */
  readonly sigmas: Float32Array;
  /** `steps` integer timesteps `trunc(1000·σ_i)` (float64 σ), what the DiT receives. */
  readonly timesteps: readonly number[];
}

function gridFrom(unshifted: Float64Array, steps: number, shift: number): SigmaGrid {
  const shifted = new Float64Array(steps);
  const sigmas = new Float32Array(steps + 1);
  const timesteps: number[] = [];
  for (let i = 0; i < steps; i++) {
    shifted[i] = shiftSigma(unshifted[i], shift);
    sigmas[i] = shifted[i];
    timesteps.push(Math.trunc(shifted[i] * NUM_TRAIN_TIMESTEPS));
  }
  sigmas[steps] = 0;
  return { shifted, sigmas, timesteps: Object.freeze(timesteps) };
}

/**
 * The UniPC grid: `S(linspace(float32(0.999), 0, steps+1)[:steps])`, so the
 * first sigma is slightly below 1 (0.99980 for shift 5).
 */
export function unipcSigmaGrid(steps: number, shift: number): SigmaGrid {
  checkSteps(steps);
  checkShift(shift);
  return gridFrom(linspace(UNIPC_SIGMA_MAX, 0, steps + 1), steps, shift);
}

/**
 * The DPM++ grid (`get_sampling_sigmas`): `S(linspace(1, 0, steps+1)[:steps])`,
 * starting at exactly 1.
 */
export function dpmSigmaGrid(steps: number, shift: number): SigmaGrid {
  checkSteps(steps);
  checkShift(shift);
  return gridFrom(linspace(1, 0, steps + 1), steps, shift);
}
