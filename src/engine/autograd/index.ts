// Reverse-mode differentiation over the engine's graph IR.
export { grad, paramTensors, vjp } from './grad.js';
export { type GradCheckCase, type GradCheckOptions, type GradCheckResult, gradCheck } from './grad-check.js';
export { promoteToFloat64, type ReplayHooks, replayGraph } from './replay.js';
export type { GradContext, GradRule } from './rule.js';
export { GRAD_RULES } from './rules.js';
