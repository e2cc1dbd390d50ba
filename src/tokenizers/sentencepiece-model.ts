// The parts of SentencePiece's ModelProto (src/sentencepiece_model.proto in google/sentencepiece)
// that encoding and decoding need, with the proto2 defaults applied.

import { CheckpointError } from '../engine/errors.js';
import { WireReader, WireType } from './protobuf-wire.js';

/** ModelProto.SentencePiece.Type. */
export const PieceType = { NORMAL: 1, UNKNOWN: 2, CONTROL: 3, USER_DEFINED: 4, UNUSED: 5, BYTE: 6 } as const;
/** One of the PieceType values. */
export type PieceType = (typeof PieceType)[keyof typeof PieceType];

/** TrainerSpec.ModelType. Only UNIGRAM is supported by this package. */
export const ModelType = { UNIGRAM: 1, BPE: 2, WORD: 3, CHAR: 4 } as const;

/** One vocabulary entry; its id is its index. `score` is a float32 value. */
export interface SentencePiece {
  readonly piece: string;
  readonly score: number;
  readonly type: PieceType;
}

/** The TrainerSpec fields that affect encoding/decoding. */
export interface TrainerSpec {
  readonly modelType: number;
  readonly byteFallback: boolean;
  readonly treatWhitespaceAsSuffix: boolean;
  readonly unkId: number;
  readonly bosId: number;
  readonly eosId: number;
  readonly padId: number;
  /** Text that decoding writes for `<unk>` (default " \u2047 "). */
  readonly unkSurface: string;
}

/** NormalizerSpec; an empty `precompiledCharsmap` means no character mapping. */
export interface NormalizerSpec {
  readonly name: string;
  readonly precompiledCharsmap: Uint8Array;
  readonly addDummyPrefix: boolean;
  readonly removeExtraWhitespaces: boolean;
  readonly escapeWhitespaces: boolean;
}

/** A parsed `spiece.model` (or the equivalent built from a tokenizer.json). */
export interface SentencePieceModel {
  readonly pieces: readonly SentencePiece[];
  readonly trainerSpec: TrainerSpec;
  readonly normalizerSpec: NormalizerSpec;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Defaults of sentencepiece_model.proto. */
export const DEFAULT_TRAINER_SPEC: TrainerSpec = {
  modelType: ModelType.UNIGRAM,
  byteFallback: false,
  treatWhitespaceAsSuffix: false,
  unkId: 0,
  bosId: 1,
  eosId: 2,
  padId: -1,
  unkSurface: ' \u2047 ',
};

/** Defaults of sentencepiece_model.proto (no charsmap = identity). */
export const DEFAULT_NORMALIZER_SPEC: NormalizerSpec = {
  name: '',
  precompiledCharsmap: new Uint8Array(0),
  addDummyPrefix: true,
  removeExtraWhitespaces: true,
  escapeWhitespaces: true,
};

/**
 * Parses a serialized SentencePiece ModelProto (`spiece.model`).
 * @param source names the file in error messages.
 */
export function parseSentencePieceModel(bytes: Uint8Array, source = 'spiece.model'): SentencePieceModel {
  try {
    const pieces: SentencePiece[] = [];
    let trainerSpec = DEFAULT_TRAINER_SPEC;
    let normalizerSpec = DEFAULT_NORMALIZER_SPEC;
    const r = new WireReader(bytes);
    while (!r.done) {
      const { field, wire } = r.key();
      if (field === 1 && wire === WireType.LEN) pieces.push(parsePiece(r.bytes()));
      else if (field === 2 && wire === WireType.LEN) trainerSpec = parseTrainerSpec(r.bytes());
      else if (field === 3 && wire === WireType.LEN) normalizerSpec = parseNormalizerSpec(r.bytes());
      else r.skip(wire);
    }
    if (pieces.length === 0) throw new RangeError('no pieces (is this a SentencePiece model?)');
    return { pieces, trainerSpec, normalizerSpec };
  } catch (e) {
    if (e instanceof CheckpointError) throw e;
    const why = e instanceof Error ? e.message : String(e);
    throw new CheckpointError(source, `not a valid SentencePiece ModelProto: ${why}`, { cause: e });
  }
}

function parsePiece(bytes: Uint8Array): SentencePiece {
  let piece = '';
  let score = 0;
  let type: number = PieceType.NORMAL;
  const r = new WireReader(bytes);
  while (!r.done) {
    const { field, wire } = r.key();
    if (field === 1 && wire === WireType.LEN) piece = utf8.decode(r.bytes());
    else if (field === 2 && wire === WireType.I32) score = r.float32();
    else if (field === 3 && wire === WireType.VARINT) type = r.int32();
    else r.skip(wire);
  }
  if (type < PieceType.NORMAL || type > PieceType.BYTE)
    throw new RangeError(`piece "${piece}" has unknown type ${type}`);
  return { piece, score, type: type as PieceType };
}

function parseTrainerSpec(bytes: Uint8Array): TrainerSpec {
  const s: Mutable<TrainerSpec> = { ...DEFAULT_TRAINER_SPEC };
  const r = new WireReader(bytes);
  while (!r.done) {
    const { field, wire } = r.key();
    if (wire === WireType.VARINT && field === 3) s.modelType = r.int32();
    else if (wire === WireType.VARINT && field === 35) s.byteFallback = r.bool();
    else if (wire === WireType.VARINT && field === 24) s.treatWhitespaceAsSuffix = r.bool();
    else if (wire === WireType.VARINT && field === 40) s.unkId = r.int32();
    else if (wire === WireType.VARINT && field === 41) s.bosId = r.int32();
    else if (wire === WireType.VARINT && field === 42) s.eosId = r.int32();
    else if (wire === WireType.VARINT && field === 43) s.padId = r.int32();
    else if (wire === WireType.LEN && field === 44) s.unkSurface = utf8.decode(r.bytes());
    else r.skip(wire);
  }
  return s;
}

function parseNormalizerSpec(bytes: Uint8Array): NormalizerSpec {
  const s: Mutable<NormalizerSpec> = { ...DEFAULT_NORMALIZER_SPEC };
  const r = new WireReader(bytes);
  while (!r.done) {
    const { field, wire } = r.key();
    if (wire === WireType.LEN && field === 1) s.name = utf8.decode(r.bytes());
    else if (wire === WireType.LEN && field === 2) s.precompiledCharsmap = r.bytes().slice();
    else if (wire === WireType.VARINT && field === 3) s.addDummyPrefix = r.bool();
    else if (wire === WireType.VARINT && field === 4) s.removeExtraWhitespaces = r.bool();
    else if (wire === WireType.VARINT && field === 5) s.escapeWhitespaces = r.bool();
    else r.skip(wire);
  }
  return s;
}
