// Training on the graph engine: the trainer, its building blocks, losses, the
// Wan DiT flow-matching model and the configuration-file runner.
export { type AdamWConfig, type AdamWState, adamwStep, cloneParams } from './adamw.js';
export {
  type CheckpointMeta,
  checkpointName,
  latestCheckpoint,
  loadCheckpoint,
  saveCheckpoint,
  type TrainerState,
} from './checkpoint.js';
export { parseTrainConfig, type TrainFileConfig } from './config.js';
export { type DataCursor, epochPermutation, nextIndices } from './data-order.js';
export { buildDitLossGraph, type DitExample, DitFlowMatching, type DitFlowOptions, ditInputs } from './dit-flow.js';
export { clipFactor, globalNorm } from './grad-math.js';
export { type GradResult, GradRunner, type GradRunnerOptions, type LossGraph } from './grad-runner.js';
export { readLossLog } from './loss-log.js';
export {
  type FlowPair,
  flowMatchingPair,
  gaussianKl,
  l1Loss,
  mseLoss,
  TIMESTEP_SCALE,
  type VaeLossOptions,
  vaeLoss,
} from './losses.js';
export { compilePattern, nameMatcher, selectTrainable } from './patterns.js';
export { plotLossPng } from './plot.js';
export { encodePng } from './png.js';
export { type RngState, TrainRng } from './rng.js';
export { type RunConfigOptions, type RunConfigResult, runTrainConfig } from './run-config.js';
export { type LrSchedule, lrAt } from './schedule.js';
export { arrayDataset, tinyDitConfig, toyDitData, toyLatent } from './toy.js';
export { type CheckpointOptions, type TrainOptions, type TrainResult, train } from './train.js';
export type { Dataset, LossAndGrads, StepContext, StepInfo, TrainableModel } from './types.js';
