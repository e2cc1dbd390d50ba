// Test utilities that ship with the library: tiny complete Wan model folders
// with random weights (both layouts), and the writers they are built from.
export { clipHfConfig, clipHfPreprocessorConfig, clipOfficialToHf } from './clip-hf-names.js';
export {
  diffusersDitConfig,
  diffusersModelIndex,
  diffusersSchedulerConfig,
  diffusersVaeConfig,
  officialDitConfig,
  umt5HfConfig,
} from './folder-configs.js';
export {
  TINY_CLIP,
  TINY_MODEL_KINDS,
  type TinyModelConfigs,
  type TinyModelKind,
  tinyModelConfigs,
} from './tiny-configs.js';
export {
  CLIP_CONFIG_FILE,
  type TinyModelFolder,
  type TinyModelOptions,
  writeTinyModelFolder,
} from './tiny-model.js';
export {
  type TinyPiece,
  tinySentencePieceModel,
  tinyTokenizerJson,
  tinyTokenizerSideFiles,
  tinyVocabulary,
} from './tiny-tokenizer.js';
export { clipCheckpointShapes, type TinyModelWeights, tinyModelWeights } from './tiny-weights.js';
export { vaeOfficialToDiffusers } from './vae-diffusers-names.js';
export {
  castAll,
  castFloat,
  type SafetensorsWriteOptions,
  type StoredFloat,
  writeSafetensorsFiles,
} from './write-weights.js';
