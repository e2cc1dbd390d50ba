// UMT5 / SentencePiece unigram tokenizer: spiece.model and tokenizer.json loaders with
// SentencePiece's exact results (normaliser, Viterbi, byte fallback), and Wan's prompt pipeline.

export { type AddedTokenPart, AddedTokenSplitter } from './added-tokens.js';
export { fixText } from './ftfy.js';
export { ftfyUnescapeHtml, htmlUnescape } from './html-unescape.js';
export { type LoadTokenizerOptions, loadTokenizer, TOKENIZER_FILES } from './load-tokenizer.js';
export { cleanPrompt } from './prompt-clean.js';
export {
  ModelType,
  type NormalizerSpec,
  PieceType,
  parseSentencePieceModel,
  type SentencePiece,
  type SentencePieceModel,
  type TrainerSpec,
} from './sentencepiece-model.js';
export { modelFromTokenizerJson } from './tokenizer-json.js';
export { type EncodedPrompt, type Umt5PromptOptions, Umt5PromptTokenizer } from './umt5-prompt-tokenizer.js';
export { type EncodeOptions, type TokenizerInput, UnigramTokenizer } from './unigram-tokenizer.js';
