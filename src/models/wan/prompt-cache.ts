// A bounded LRU of text-encoder outputs, so repeated prompts (the same negative
// prompt on every request, a prompt re-run with another seed) skip the encoder.
// One entry per text: a prompt and its negative prompt are encoded separately
// upstream (two batch-1 calls), so each is cached on its own and a negative
// prompt shared by many requests is stored once.
import { InputError } from '../../engine/errors.js';
import type { HostTensor } from '../../engine/host-tensor.js';

/** What an embedding depends on. */
export interface PromptKey {
  /**
   * Identifies the encoder and its weights (e.g. `umt5-xxl:` + checkpoint path
   * and size). Different models never share entries.
   */
  readonly model: string;
  /** The raw text (cleaning is part of the encoder, so the raw text is the key). */
  readonly text: string;
  /** Token limit the text is truncated to (Wan: 512); part of the key. */
  readonly maxTokens?: number;
}

export interface PromptCacheOptions {
  /** Most entries kept (default 64). */
  readonly maxEntries?: number;
  /** Most bytes of embeddings kept (default 256 MiB); a larger single value is not stored. */
  readonly maxBytes?: number;
}

export interface PromptCacheStats {
  readonly hits: number;
  readonly misses: number;
  readonly entries: number;
  readonly bytes: number;
  readonly evictions: number;
}

/** Encodes several texts in one call (one batch), returning one embedding per text, in order. */
export type EncodeTexts = (texts: readonly string[]) => Promise<readonly HostTensor[]>;

/**
 * Least-recently-used cache of prompt embeddings bounded by entry count and
 * bytes. Values are shared, not copied: treat returned tensors as read-only.
 * Concurrent requests for a text being encoded wait for that encoding.
 */
export class PromptEmbeddingCache {
  readonly maxEntries: number;
  readonly maxBytes: number;
  readonly #entries = new Map<string, HostTensor>();
  readonly #pending = new Map<string, Promise<HostTensor>>();
  #bytes = 0;
  #hits = 0;
  #misses = 0;
  #evictions = 0;

  constructor(opts: PromptCacheOptions = {}) {
    this.maxEntries = opts.maxEntries ?? 64;
    this.maxBytes = opts.maxBytes ?? 256 * 1024 * 1024;
    if (!Number.isInteger(this.maxEntries) || this.maxEntries < 0) {
      throw new InputError(`PromptEmbeddingCache: maxEntries must be an integer >= 0, got ${this.maxEntries}`);
    }
    if (!(this.maxBytes >= 0))
      throw new InputError(`PromptEmbeddingCache: maxBytes must be >= 0, got ${this.maxBytes}`);
  }

  /** The map key: unambiguous for any strings (JSON-encoded tuple). */
  static keyOf(k: PromptKey): string {
    return JSON.stringify([k.model, k.maxTokens ?? null, k.text]);
  }

  /** The cached embedding (counted as a hit or a miss; a hit becomes most recent). */
  get(k: PromptKey): HostTensor | undefined {
    const key = PromptEmbeddingCache.keyOf(k);
    const v = this.#entries.get(key);
    if (v === undefined) {
      this.#misses++;
      return undefined;
    }
    this.#hits++;
    this.#entries.delete(key);
    this.#entries.set(key, v);
    return v;
  }

  /** Whether an entry exists (not counted, recency unchanged). */
  has(k: PromptKey): boolean {
    return this.#entries.has(PromptEmbeddingCache.keyOf(k));
  }

  /** Stores an embedding, evicting the least recently used; false if it alone exceeds maxBytes. */
  set(k: PromptKey, value: HostTensor): boolean {
    const key = PromptEmbeddingCache.keyOf(k);
    this.#remove(key);
    if (value.byteLength > this.maxBytes || this.maxEntries === 0) return false;
    this.#entries.set(key, value);
    this.#bytes += value.byteLength;
    while (this.#entries.size > this.maxEntries || this.#bytes > this.maxBytes) {
      const oldest = this.#entries.keys().next().value as string;
      this.#remove(oldest);
      this.#evictions++;
    }
    return true;
  }

  delete(k: PromptKey): boolean {
    return this.#remove(PromptEmbeddingCache.keyOf(k));
  }

  clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
  }

  get stats(): PromptCacheStats {
    return {
      hits: this.#hits,
      misses: this.#misses,
      entries: this.#entries.size,
      bytes: this.#bytes,
      evictions: this.#evictions,
    };
  }

  /**
   * Embeddings of `texts` under `model`/`maxTokens`: cached ones are returned,
   * the others are encoded together in one `encode` call and stored.
   * Duplicate texts in one call are encoded once.
   */
  async getOrEncode(
    model: string,
    texts: readonly string[],
    encode: EncodeTexts,
    opts: { maxTokens?: number } = {},
  ): Promise<HostTensor[]> {
    const keyOf = (text: string): PromptKey => ({ model, text, maxTokens: opts.maxTokens });
    const found = new Map<string, HostTensor | Promise<HostTensor>>();
    const missing: string[] = [];
    for (const text of texts) {
      if (found.has(text)) continue;
      const key = PromptEmbeddingCache.keyOf(keyOf(text));
      const pending = this.#pending.get(key);
      const hit = pending ? undefined : this.get(keyOf(text));
      if (pending) {
        this.#hits++;
        found.set(text, pending);
      } else if (hit) found.set(text, hit);
      else missing.push(text);
    }
    if (missing.length) {
      const batch = encode(missing).then((outs) => {
        if (outs.length !== missing.length) {
          throw new InputError(`prompt cache: encoder returned ${outs.length} embeddings for ${missing.length} texts`);
        }
        return outs;
      });
      missing.forEach((text, i) => {
        const key = PromptEmbeddingCache.keyOf(keyOf(text));
        const one = batch.then((outs) => {
          this.set(keyOf(text), outs[i]);
          return outs[i];
        });
        const settled = one.finally(() => this.#pending.delete(key));
        settled.catch(() => undefined);
        this.#pending.set(key, one);
        found.set(text, one);
      });
    }
    return Promise.all(texts.map((t) => found.get(t) as HostTensor | Promise<HostTensor>));
  }

  #remove(key: string): boolean {
    const v = this.#entries.get(key);
    if (v === undefined) return false;
    this.#entries.delete(key);
    this.#bytes -= v.byteLength;
    return true;
  }
}
