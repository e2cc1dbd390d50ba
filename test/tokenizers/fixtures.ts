// Shared loading of the tokenizer fixtures made by tools/tokenizer/make-fixtures.py and
// tools/tokenizer/make-prompt-fixtures.py.

import { readFileSync } from 'node:fs';
import { UnigramTokenizer } from '../../src/tokenizers/index.js';

export const FIXTURES = new URL('../fixtures/tokenizers/', import.meta.url);

export interface SpCase {
  readonly text?: string;
  readonly bytes?: string;
  readonly ids: number[];
  readonly pieces?: string[];
  readonly decoded?: string;
}

export interface SpModelFixture {
  readonly model: string;
  readonly tokenizer_json?: string;
  readonly vocab_size: number;
  readonly cases: SpCase[];
}

export interface PromptCase {
  readonly prompt: string;
  readonly clean: string;
  readonly ids: number[];
  readonly sentencepiece_ids?: number[];
}

export function readFixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(name, FIXTURES)));
}

export function readJsonFixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as T;
}

/** The SentencePiece expectations, by model name. */
export function spFixtures(): Record<string, SpModelFixture> {
  return readJsonFixture<{ models: Record<string, SpModelFixture> }>('expected.json').models;
}

/** Tokenizers for a model: from the .model file and, when there is one, from its tokenizer.json. */
export function loadersFor(m: SpModelFixture): { label: string; tok: UnigramTokenizer }[] {
  const out = [{ label: m.model, tok: UnigramTokenizer.fromSentencePiece(readFixture(m.model), m.model) }];
  if (m.tokenizer_json) {
    const json: unknown = readJsonFixture(m.tokenizer_json);
    out.push({ label: m.tokenizer_json, tok: UnigramTokenizer.fromTokenizerJson(json, m.tokenizer_json) });
  }
  return out;
}

/** Input of a case: its text, or its raw (possibly malformed UTF-8) bytes. */
export function inputOf(c: SpCase): string | Uint8Array {
  if (c.text !== undefined) return c.text;
  return Uint8Array.from((c.bytes ?? '').match(/../g) ?? [], (h) => Number.parseInt(h, 16));
}
