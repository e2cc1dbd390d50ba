// Checkpoint loading: one TensorSource over safetensors, torch zips and
// sharded indexes, plus binding to declared parameters.
export { type BindOptions, bindParameters, type DeclaredParameter } from './bind.js';
export { openCheckpoint } from './open-checkpoint.js';
export { detectFormat, openCheckpointFile } from './open-file.js';
export { PthFile, type PthTensorEntry } from './pth.js';
export { encodePth, type PthWriteOptions, writePth } from './pth-writer.js';
export {
  encodeSafetensors,
  parseHeader,
  readSafetensors,
  SafetensorsFile,
  type SafetensorsHeader,
  type TensorEntry,
  writeSafetensors,
} from './safetensors.js';
export { parseShardIndex, ShardedCheckpoint, type ShardIndex } from './sharded.js';
export { type SourceSummary, summarizeSource, type TensorStats } from './summary.js';
export type { CheckpointFormat, TensorInfo, TensorSource } from './tensor-source.js';
