// Writes a unigram vocabulary as a SentencePiece ModelProto (`spiece.model`) with T5's
// conventions: <pad> 0, </s> 1, <unk> 2, no <s>, byte fallback, the default normaliser
// options. Used for tokenizers wanjs makes itself (the built-in model, tiny test folders).
import { ProtoWriter } from './protobuf-writer.js';

/** One vocabulary entry; its id is its position. */
export interface VocabEntry {
  readonly piece: string;
  readonly score: number;
  readonly kind: 'control' | 'unknown' | 'byte' | 'normal';
}

const PIECE_TYPE = { normal: 1, unknown: 2, control: 3, byte: 6 } as const;

/** The serialised ModelProto of `vocab` (ids = positions; pad 0, eos 1, unk 2). */
export function writeSentencePieceModel(vocab: readonly VocabEntry[]): Uint8Array {
  const w = new ProtoWriter();
  for (const p of vocab) {
    const piece = new ProtoWriter();
    piece.string(1, p.piece);
    piece.float(2, p.score);
    if (p.kind !== 'normal') piece.varint(3, PIECE_TYPE[p.kind]);
    w.message(1, piece);
  }
  const trainer = new ProtoWriter();
  trainer.varint(3, 1); // model_type UNIGRAM
  trainer.varint(4, vocab.length); // vocab_size
  trainer.varint(35, 1); // byte_fallback
  trainer.varint(40, 2); // unk_id
  trainer.varint(41, -1); // bos_id: none, as in T5
  trainer.varint(42, 1); // eos_id
  trainer.varint(43, 0); // pad_id
  w.message(2, trainer);
  const normalizer = new ProtoWriter();
  normalizer.string(1, 'identity');
  normalizer.varint(3, 1); // add_dummy_prefix
  normalizer.varint(4, 1); // remove_extra_whitespaces
  normalizer.varint(5, 1); // escape_whitespaces
  w.message(3, normalizer);
  return w.bytes();
}
