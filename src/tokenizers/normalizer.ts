// SentencePiece's normaliser (src/normalizer.cc, Normalizer::Normalize / NormalizePrefix), on
// UTF-8 bytes: at each position the longest user-defined symbol is copied unchanged, else the
// longest rule of the precompiled charsmap is applied, else one character is copied (a malformed
// byte becomes U+FFFD). Spaces are then squeezed, a dummy prefix added and ' ' escaped to U+2581.

import { CheckpointError } from '../engine/errors.js';
import { DoubleArray } from './double-array.js';
import type { NormalizerSpec } from './sentencepiece-model.js';
import { REPLACEMENT_UTF8, utf8Encode, validCharLength } from './utf8.js';

const SPACE = 0x20;
/** U+2581 LOWER ONE EIGHTH BLOCK, the escaped space. */
const SPACE_SYMBOL = utf8Encode('\u2581');

/** Splits a precompiled charsmap: <uint32 LE trie size><double array><NUL-terminated strings>. */
export function decodeCharsmap(blob: Uint8Array, source: string): { trie: DoubleArray; strings: Uint8Array } {
  if (blob.length <= 4) throw new CheckpointError(source, 'precompiled_charsmap is broken (shorter than 5 bytes)');
  const trieSize = new DataView(blob.buffer, blob.byteOffset, 4).getUint32(0, true);
  if (trieSize >= blob.length - 4 + 1 || trieSize % 4 !== 0) {
    throw new CheckpointError(
      source,
      `precompiled_charsmap trie size ${trieSize} does not fit a ${blob.length}-byte blob`,
    );
  }
  return {
    trie: DoubleArray.fromBytes(blob.subarray(4, 4 + trieSize)),
    strings: blob.subarray(4 + trieSize),
  };
}

/** Growable byte buffer. */
class ByteSink {
  bytes: Uint8Array;
  length = 0;
  constructor(capacity: number) {
    this.bytes = new Uint8Array(Math.max(16, capacity));
  }
  push(src: Uint8Array, begin = 0, end = src.length): void {
    const n = end - begin;
    if (this.length + n > this.bytes.length) {
      const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + n));
      grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
    }
    this.bytes.set(src.subarray(begin, end), this.length);
    this.length += n;
  }
  endsWith(tail: Uint8Array): boolean {
    if (this.length < tail.length) return false;
    for (let i = 0; i < tail.length; i++) if (this.bytes[this.length - tail.length + i] !== tail[i]) return false;
    return true;
  }
}

/** A SentencePiece normaliser for one model. */
export class Normalizer {
  readonly #spec: NormalizerSpec;
  readonly #treatWhitespaceAsSuffix: boolean;
  readonly #charsmap: { trie: DoubleArray; strings: Uint8Array } | undefined;
  /** User-defined symbols by first byte, longest first. */
  readonly #userDefined: Map<number, Uint8Array[]>;

  /**
   * @param userDefined USER_DEFINED pieces, which SentencePiece passes through unnormalised.
   * @param source names the model file in errors.
   */
  constructor(spec: NormalizerSpec, userDefined: readonly string[], treatWhitespaceAsSuffix: boolean, source: string) {
    this.#spec = spec;
    this.#treatWhitespaceAsSuffix = treatWhitespaceAsSuffix;
    this.#charsmap = spec.precompiledCharsmap.length > 0 ? decodeCharsmap(spec.precompiledCharsmap, source) : undefined;
    this.#userDefined = new Map();
    for (const piece of userDefined) {
      const bytes = utf8Encode(piece);
      const list = this.#userDefined.get(bytes[0]) ?? [];
      list.push(bytes);
      this.#userDefined.set(bytes[0], list);
    }
    for (const list of this.#userDefined.values()) list.sort((a, b) => b.length - a.length);
  }

  /** Normalises UTF-8 `input` to the string the unigram model segments (U+2581 for spaces). */
  normalize(input: Uint8Array): Uint8Array {
    const spec = this.#spec;
    let pos = 0;
    const end = input.length;
    if (spec.removeExtraWhitespaces) {
      while (pos < end) {
        const p = this.#normalizePrefix(input, pos);
        if (!(p.end - p.begin === 1 && p.src[p.begin] === SPACE)) break;
        pos += p.consumed;
      }
    }
    if (pos >= end) return new Uint8Array(0);

    const out = new ByteSink((end - pos) * 3);
    const space = spec.escapeWhitespaces ? SPACE_SYMBOL : Uint8Array.of(SPACE);
    if (!this.#treatWhitespaceAsSuffix && spec.addDummyPrefix) out.push(space);

    let isPrevSpace = spec.removeExtraWhitespaces;
    while (pos < end) {
      const p = this.#normalizePrefix(input, pos);
      let b = p.begin;
      while (isPrevSpace && b < p.end && p.src[b] === SPACE) b++;
      if (b < p.end) {
        for (let i = b; i < p.end; i++) {
          if (spec.escapeWhitespaces && p.src[i] === SPACE) out.push(SPACE_SYMBOL);
          else out.push(p.src, i, i + 1);
        }
        isPrevSpace = p.src[p.end - 1] === SPACE;
      }
      pos += p.consumed;
      if (!spec.removeExtraWhitespaces) isPrevSpace = false;
    }

    if (spec.removeExtraWhitespaces) {
      while (out.endsWith(space)) out.length -= space.length;
    }
    if (this.#treatWhitespaceAsSuffix && spec.addDummyPrefix) out.push(space);
    return out.bytes.slice(0, out.length);
  }

  /** NormalizePrefix: what input[pos..] starts with, as src[begin, end), and how many bytes it uses. */
  #normalizePrefix(input: Uint8Array, pos: number): { src: Uint8Array; begin: number; end: number; consumed: number } {
    const candidates = this.#userDefined.get(input[pos]);
    if (candidates) {
      for (const c of candidates) {
        if (startsWith(input, pos, c)) return { src: input, begin: pos, end: pos + c.length, consumed: c.length };
      }
    }
    if (this.#charsmap) {
      const m = this.#charsmap.trie.longestPrefix(input, pos, input.length);
      if (m.length > 0) {
        const strings = this.#charsmap.strings;
        let stop = m.value;
        while (stop < strings.length && strings[stop] !== 0) stop++;
        return { src: strings, begin: m.value, end: stop, consumed: m.length };
      }
    }
    const n = validCharLength(input, pos, input.length);
    if (n === 0) return { src: REPLACEMENT_UTF8, begin: 0, end: 3, consumed: 1 };
    return { src: input, begin: pos, end: pos + n, consumed: n };
  }
}

function startsWith(input: Uint8Array, pos: number, prefix: Uint8Array): boolean {
  if (pos + prefix.length > input.length) return false;
  for (let i = 0; i < prefix.length; i++) if (input[pos + i] !== prefix[i]) return false;
  return true;
}
