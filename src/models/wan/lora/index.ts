// LoRA for the Wan DiT: training adapters, saving and reading the common file
// layouts, merging into weights and applying on the fly.
export { applyLoraGraph, type LoraBranch, unusedLoraTargets, type WeightDelta } from './graph-rewrite.js';
export { type MergeResult, mergeLoras } from './merge.js';
export { detectDottedStyle, type LoraKeyStyle, loraKeys, parseLoraKey, wanLinearModules } from './names.js';
export { LoraProgram } from './program.js';
export { type LoraReadResult, parseLora, type ReadLoraOptions, readLora } from './read.js';
export {
  initLoraParams,
  type LoraTrainSpec,
  loraFromParams,
  loraParamNames,
  loraTrainingBranches,
  selectLoraModules,
} from './train.js';
export { type LoraIssue, type LoraModule, type LoraUse, type LoraWeights, loraRank, loraScale } from './types.js';
export { encodeLora, encodeLoraTensors, type WriteLoraOptions, writeLora } from './write.js';
