// Finds and loads the UMT5 tokenizer files from disk (the only file here that touches Node's fs).

import { readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { CheckpointError, InputError } from '../engine/errors.js';
import { UnigramTokenizer } from './unigram-tokenizer.js';

/** File names looked for in a folder, in order of preference. */
export const TOKENIZER_FILES = ['tokenizer.json', 'spiece.model'] as const;

/** Options of {@link loadTokenizer}. */
export interface LoadTokenizerOptions {
  /** Which file wins when a folder has both (default 'tokenizer.json', as transformers' AutoTokenizer). */
  readonly prefer?: 'tokenizer.json' | 'spiece.model';
}

/**
 * Loads a unigram tokenizer from `spiece.model`, a `tokenizer.json`, or a folder holding either
 * (e.g. a checkpoint's `google/umt5-xxl/`).
 */
export async function loadTokenizer(path: string, options: LoadTokenizerOptions = {}): Promise<UnigramTokenizer> {
  const info = await stat(path).catch((e: unknown) => {
    throw new InputError(`tokenizer path ${path} does not exist or cannot be read (${messageOf(e)})`);
  });
  if (!info.isDirectory()) return loadFile(path);
  const order = options.prefer === 'spiece.model' ? [...TOKENIZER_FILES].reverse() : TOKENIZER_FILES;
  for (const name of order) {
    const file = join(path, name);
    const found = await stat(file).then(
      (s) => s.isFile(),
      () => false,
    );
    if (found) return loadFile(file);
  }
  throw new InputError(
    `no tokenizer in folder ${path}: looked for ${TOKENIZER_FILES.join(' and ')} (the files of google/umt5-xxl)`,
  );
}

async function loadFile(file: string): Promise<UnigramTokenizer> {
  const bytes = new Uint8Array(await readFile(file));
  if (basename(file).endsWith('.json')) {
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder().decode(bytes));
    } catch (e) {
      throw new CheckpointError(file, `is not valid JSON: ${messageOf(e)}`, { cause: e });
    }
    return UnigramTokenizer.fromTokenizerJson(json, file);
  }
  return UnigramTokenizer.fromSentencePiece(bytes, file);
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
