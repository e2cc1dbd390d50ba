// Wan's prompt → ids step: HuggingfaceTokenizer(name='google/umt5-xxl', seq_len=512,
// clean='whitespace') in wan/modules/tokenizers.py, which calls the tokenizer with
// padding='max_length', truncation=True, max_length=512 and add_special_tokens=True. Like the
// transformers tokenizer, literal added tokens in the prompt (e.g. "</s>") are matched as tokens.

import { InputError } from '../engine/errors.js';
import { cleanPrompt } from './prompt-clean.js';
import type { UnigramTokenizer } from './unigram-tokenizer.js';

/** Fixed-length ids for the text encoder. */
export interface EncodedPrompt {
  /** `maxLength` ids: the prompt's tokens, `</s>`, then pad ids. */
  readonly ids: Int32Array;
  /** 1 for real tokens (including `</s>`), 0 for padding. */
  readonly mask: Int32Array;
  /** Number of real tokens (the sum of `mask`). */
  readonly length: number;
}

/** Options of {@link Umt5PromptTokenizer}. */
export interface Umt5PromptOptions {
  /** Sequence length after truncation and padding (Wan: 512). */
  readonly maxLength?: number;
  /** Apply Wan's cleaning before tokenizing (default true). */
  readonly clean?: boolean;
}

/** Tokenizes prompts exactly as Wan's T5 text encoder front end does. */
export class Umt5PromptTokenizer {
  readonly tokenizer: UnigramTokenizer;
  readonly maxLength: number;
  readonly #clean: boolean;
  readonly #eosId: number;
  readonly #padId: number;

  constructor(tokenizer: UnigramTokenizer, options: Umt5PromptOptions = {}) {
    const maxLength = options.maxLength ?? 512;
    if (!Number.isInteger(maxLength) || maxLength < 1) {
      throw new InputError(`Umt5PromptTokenizer: maxLength must be a positive integer, got ${maxLength}`);
    }
    if (tokenizer.eosId < 0) throw new InputError('Umt5PromptTokenizer: the tokenizer has no </s> control piece');
    this.tokenizer = tokenizer;
    this.maxLength = maxLength;
    this.#clean = options.clean ?? true;
    this.#eosId = tokenizer.eosId;
    this.#padId = tokenizer.padId >= 0 ? tokenizer.padId : 0;
  }

  /** Wan's cleaning: ftfy subset, html.unescape twice, whitespace squeezed and stripped. */
  cleanPrompt(text: string): string {
    return cleanPrompt(text);
  }

  /** Ids, mask and length of one prompt (truncated to keep `</s>` last, then padded). */
  encode(text: string): EncodedPrompt {
    if (typeof text !== 'string') throw new InputError(`prompt must be a string, got ${typeof text}`);
    const tokens = this.tokenizer.encode(this.#clean ? cleanPrompt(text) : text, { matchAddedTokens: true });
    const length = Math.min(tokens.length, this.maxLength - 1) + 1;
    const ids = new Int32Array(this.maxLength).fill(this.#padId);
    const mask = new Int32Array(this.maxLength);
    for (let i = 0; i < length - 1; i++) ids[i] = tokens[i];
    ids[length - 1] = this.#eosId;
    mask.fill(1, 0, length);
    return { ids, mask, length };
  }
}
