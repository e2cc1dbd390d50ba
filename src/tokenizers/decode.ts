// Ids back to text, as SentencePieceProcessor::Decode does (src/sentencepiece_processor.cc):
// control pieces vanish, <unk> becomes the unk surface, runs of byte pieces are decoded as UTF-8
// (a malformed byte becomes U+FFFD), U+2581 becomes a space and the dummy-prefix space is dropped.

import { InputError } from '../engine/errors.js';
import { byteOfPiece } from './piece-table.js';
import type { NormalizerSpec, SentencePiece, TrainerSpec } from './sentencepiece-model.js';
import { PieceType } from './sentencepiece-model.js';
import { utf8Decode, validCharLength } from './utf8.js';

const SPACE_SYMBOL = '\u2581';

/** Decodes ids with SentencePiece's rules. */
export function decodeIds(
  ids: ArrayLike<number>,
  pieces: readonly SentencePiece[],
  normalizerSpec: NormalizerSpec,
  trainerSpec: TrainerSpec,
): string {
  let text = '';
  let bytes: number[] = [];
  let isBosWs = true;
  let bosWsSeen = false;
  const stripsLeading = normalizerSpec.addDummyPrefix || normalizerSpec.removeExtraWhitespaces;

  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    const entry = Number.isInteger(id) ? pieces[id] : undefined;
    if (!entry)
      throw new InputError(`decode: id ${id} at position ${i} is not in the vocabulary (0..${pieces.length - 1})`);
    if (entry.type === PieceType.BYTE) {
      bytes.push(byteOfPiece(entry.piece));
      continue;
    }
    text += decodeBytes(bytes);
    bytes = [];
    if (bosWsSeen || text.length > 0) isBosWs = false;
    if (entry.type === PieceType.CONTROL) {
      bosWsSeen = false;
    } else if (entry.type === PieceType.UNKNOWN) {
      text += trainerSpec.unkSurface;
      bosWsSeen = false;
    } else {
      let piece = entry.piece;
      bosWsSeen = false;
      if (isBosWs && stripsLeading && piece.startsWith(SPACE_SYMBOL)) {
        piece = piece.slice(1);
        // With remove_extra_whitespaces every leading space piece is dropped, so do not stop here.
        bosWsSeen = !normalizerSpec.removeExtraWhitespaces;
      }
      text += piece.replaceAll(SPACE_SYMBOL, ' ');
    }
  }
  return text + decodeBytes(bytes);
}

/** UTF-8 with SentencePiece's per-byte U+FFFD for malformed input. */
function decodeBytes(list: readonly number[]): string {
  if (list.length === 0) return '';
  const bytes = Uint8Array.from(list);
  let out = '';
  for (let pos = 0; pos < bytes.length; ) {
    const n = validCharLength(bytes, pos, bytes.length);
    if (n === 0) {
      out += '\ufffd';
      pos += 1;
    } else {
      out += utf8Decode(bytes.subarray(pos, pos + n));
      pos += n;
    }
  }
  return out;
}
