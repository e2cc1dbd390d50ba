// The contracts between the trainer and what it trains.
import type { HostTensor } from '../engine/host-tensor.js';
import type { Weights } from '../engine/program.js';
import type { TrainRng } from './rng.js';

/** What a model sees for one micro-batch. */
export interface StepContext {
  /** The trainer's random stream (noise, timesteps): checkpointed, so resumed runs repeat it. */
  readonly rng: TrainRng;
  /** Names of the parameters to differentiate. */
  readonly trainable: ReadonlySet<string>;
  readonly signal?: AbortSignal;
}

export interface LossAndGrads {
  readonly loss: number;
  /** d loss / d param for (at least) every trainable parameter. */
  readonly grads: ReadonlyMap<string, HostTensor>;
}

/** A differentiable loss over named float32 parameters: what `train` optimises. */
export interface TrainableModel<T> {
  lossAndGrads(params: Weights, batch: readonly T[], ctx: StepContext): Promise<LossAndGrads>;
  dispose?(): Promise<void>;
}

/** Random-access examples; the trainer draws a seeded permutation per epoch. */
export interface Dataset<T> {
  readonly length: number;
  get(index: number): T | Promise<T>;
}

/** One optimiser step, as logged and passed to `onStep`. */
export interface StepInfo {
  /** Steps completed (1 after the first update). */
  readonly step: number;
  readonly loss: number;
  readonly lr: number;
  /** Global gradient norm before clipping. */
  readonly gradNorm: number;
  readonly clipped: boolean;
  readonly epoch: number;
  /** Wall time of this step. */
  readonly ms: number;
}
