// UTF-8 helpers with SentencePiece's exact rules (src/util.h, src/util.cc): a malformed sequence
// counts as one byte that decodes to U+FFFD.

/** U+FFFD in UTF-8. */
export const REPLACEMENT_UTF8 = new Uint8Array([0xef, 0xbf, 0xbd]);

const encoder = new TextEncoder();
// ignoreBOM keeps a leading U+FEFF, which is text here, not a byte-order mark.
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** UTF-8 bytes of `text` (lone surrogates become U+FFFD, as TextEncoder does). */
export function utf8Encode(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Decodes UTF-8 (malformed sequences become U+FFFD). */
export function utf8Decode(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** Number of UTF-8 bytes of a code point. */
export function utf8Length(codePoint: number): number {
  return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
}

/** Bytes of the character starting with `lead`, from the lead byte alone (string_util::OneCharLen). */
export function oneCharLen(lead: number): number {
  return lead < 0xc0 ? 1 : lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
}

const isTrail = (b: number): boolean => (b & 0xc0) === 0x80;
const isValidCodePoint = (c: number): boolean => c < 0xd800 || (c >= 0xe000 && c <= 0x10ffff);

/**
 * Length of the well-formed character at bytes[pos] (1..4), or 0 when it is malformed, following
 * string_util::IsValidDecodeUTF8: overlong forms, surrogates, code points past U+10FFFF and
 * truncated sequences are malformed.
 */
export function validCharLength(bytes: Uint8Array, pos: number, end: number): number {
  const b0 = bytes[pos];
  const len = end - pos;
  if (b0 < 0x80) return 1;
  if (len >= 2 && (b0 & 0xe0) === 0xc0) {
    const cp = ((b0 & 0x1f) << 6) | (bytes[pos + 1] & 0x3f);
    return isTrail(bytes[pos + 1]) && cp >= 0x80 ? 2 : 0;
  }
  if (len >= 3 && (b0 & 0xf0) === 0xe0) {
    const cp = ((b0 & 0x0f) << 12) | ((bytes[pos + 1] & 0x3f) << 6) | (bytes[pos + 2] & 0x3f);
    const ok = isTrail(bytes[pos + 1]) && isTrail(bytes[pos + 2]) && cp >= 0x800 && isValidCodePoint(cp);
    return ok ? 3 : 0;
  }
  if (len >= 4 && (b0 & 0xf8) === 0xf0) {
    const cp =
      ((b0 & 0x07) << 18) | ((bytes[pos + 1] & 0x3f) << 12) | ((bytes[pos + 2] & 0x3f) << 6) | (bytes[pos + 3] & 0x3f);
    const ok =
      isTrail(bytes[pos + 1]) &&
      isTrail(bytes[pos + 2]) &&
      isTrail(bytes[pos + 3]) &&
      cp >= 0x10000 &&
      isValidCodePoint(cp);
    return ok ? 4 : 0;
  }
  return 0;
}
