// Flow-matching samplers (pure float32 maths; no dependency on the rest of wanjs).
export { SchedulerInputError } from './errors.js';
export { FlowDPMSolverScheduler } from './flow-dpmpp.js';
export { FlowEulerScheduler } from './flow-euler.js';
export { FlowSchedulerBase } from './flow-scheduler-base.js';
export {
  dpmSigmaGrid,
  linspace,
  NUM_TRAIN_TIMESTEPS,
  type SigmaGrid,
  shiftSigma,
  UNIPC_SIGMA_MAX,
  unipcSigmaGrid,
} from './flow-shift.js';
export { FlowUniPCScheduler } from './flow-unipc.js';
export {
  createScheduler,
  type FlowScheduler,
  SCHEDULER_NAMES,
  type SchedulerName,
  type SchedulerOptions,
} from './scheduler.js';
export { initialStepIndex } from './step-index.js';
