// The wanjs library surface. Import from 'wanjs'; everything here is stable API.
export * from './engine/errors.js';
export { HostTensor } from './engine/host-tensor.js';
export { OrtNodeRuntime } from './engine/runtime/ort-node.js';
export type { Device, Runtime, Session } from './engine/runtime/runtime.js';
export { bindParameters, openCheckpoint, readSafetensors, writeSafetensors } from './engine/weights/index.js';
export { writePth } from './engine/weights/pth-writer.js';
export { inspectPath } from './inspect/inspect.js';
export { latentVideoToFrames, readImage, writeVideo } from './media/index.js';
export { ClipVisionEncoder } from './models/wan/clip/model.js';
export { WAN_PRESETS, type WanDitConfig } from './models/wan/dit/config.js';
export { WanDiT } from './models/wan/dit/model.js';
export { findModelFolder } from './models/wan/folder.js';
export { Umt5Encoder } from './models/wan/umt5/model.js';
export { WanVae } from './models/wan/vae/model.js';
export { DEFAULT_NEGATIVE_PROMPT } from './pipelines/defaults.js';
export { gaussianNoise } from './pipelines/noise.js';
export type { GenerateRequest, GenerateResult, ProgressEvent, ResolvedSettings, RgbImage } from './pipelines/types.js';
export {
  type GenerateOptions,
  type PipelineComponents,
  type PipelineOptions,
  WanPipeline,
} from './pipelines/wan-pipeline.js';
export { createScheduler, type FlowScheduler, type SchedulerName } from './schedulers/index.js';
export { loadTokenizer, Umt5PromptTokenizer, UnigramTokenizer } from './tokenizers/index.js';
