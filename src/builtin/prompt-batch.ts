// Tokenised prompts of a training batch as the graph inputs the text encoder takes:
// `ids`, `mask` int64 [B, L] and `keep` float [B, L, 1] (1 on real tokens).
import { InputError } from '../engine/errors.js';
import { HostTensor } from '../engine/host-tensor.js';
import type { Umt5PromptTokenizer } from '../tokenizers/umt5-prompt-tokenizer.js';

export class PromptBatch {
  readonly #tokenizer: Umt5PromptTokenizer;
  readonly #len: number;
  readonly #ids: BigInt64Array;
  readonly #mask: BigInt64Array;
  readonly #keep: Float32Array;

  constructor(tokenizer: Umt5PromptTokenizer, batch: number, len: number) {
    this.#tokenizer = tokenizer;
    this.#len = len;
    this.#ids = new BigInt64Array(batch * len);
    this.#mask = new BigInt64Array(batch * len);
    this.#keep = new Float32Array(batch * len);
  }

  /** Tokenises `text` into row `i`; returns its real-token count. `what` names the caller in errors. */
  set(i: number, text: string, what: string): number {
    const L = this.#len;
    const enc = this.#tokenizer.encode(text);
    if (enc.length > L)
      throw new InputError(`${what}: prompt '${text}' has ${enc.length} tokens, more than text_len ${L}`);
    let n = 0;
    for (let j = 0; j < L; j++) {
      this.#ids[i * L + j] = BigInt(enc.ids[j]);
      this.#mask[i * L + j] = BigInt(enc.mask[j]);
      this.#keep[i * L + j] = enc.mask[j];
      n += enc.mask[j];
    }
    return n;
  }

  /** The `ids`, `mask` and `keep` inputs. */
  inputs(): { ids: HostTensor; mask: HostTensor; keep: HostTensor } {
    const b = this.#ids.length / this.#len;
    return {
      ids: new HostTensor('int64', [b, this.#len], this.#ids),
      mask: new HostTensor('int64', [b, this.#len], this.#mask),
      keep: HostTensor.f32([b, this.#len, 1], this.#keep),
    };
  }
}
