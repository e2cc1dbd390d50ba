// The vocabulary checks and lookups of SentencePiece's ModelInterface::InitializePieces and
// unigram::Model (src/model_interface.cc, src/unigram_model.cc).

import { CheckpointError } from '../engine/errors.js';
import { PieceType, type SentencePiece, type SentencePieceModel } from './sentencepiece-model.js';
import type { LatticeVocab } from './unigram-viterbi.js';

const FLT_MAX = 3.4028234663852886e38;
/** FLT_MIN, the smallest normal float32 (SentencePiece starts its max score there). */
const FLT_MIN = 1.1754943508222875e-38;
const UNK_PENALTY = 10;

/** Id lookups derived from a model's pieces. */
export interface PieceTable {
  readonly lattice: LatticeVocab;
  readonly pieces: readonly SentencePiece[];
  /** CONTROL, UNKNOWN and BYTE pieces (SentencePiece's reserved_id_map_). */
  readonly reserved: ReadonlyMap<string, number>;
  /** Id of `<0xNN>` for each byte, or -1 without byte fallback. */
  readonly byteIds: Int32Array;
  readonly userDefined: readonly string[];
}

/** `<0x41>`-style name of a byte piece. */
export function bytePieceName(byte: number): string {
  return `<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`;
}

/** The byte a `<0xNN>` piece stands for, or -1. */
export function byteOfPiece(piece: string): number {
  return /^<0x[0-9A-F]{2}>$/.test(piece) ? Number.parseInt(piece.slice(3, 5), 16) : -1;
}

/** Validates the pieces as SentencePiece does and builds the lookups. */
export function buildPieceTable(model: SentencePieceModel, source: string): PieceTable {
  const { pieces, trainerSpec } = model;
  const n = pieces.length;
  const lookup = new Map<string, number>();
  const reserved = new Map<string, number>();
  const scores = new Float32Array(n);
  const userDefinedFlags = new Uint8Array(n);
  const unused = new Uint8Array(n);
  const byteIds = new Int32Array(256).fill(-1);
  const userDefined: string[] = [];
  let unkId = -1;
  let maxPieceUnits = 1;
  let minScore = FLT_MAX;
  let maxScore = FLT_MIN;

  for (let id = 0; id < n; id++) {
    const { piece, score, type } = pieces[id];
    if (piece.length === 0) throw new CheckpointError(source, `piece ${id} is empty`);
    scores[id] = score;
    const normal = type === PieceType.NORMAL || type === PieceType.USER_DEFINED || type === PieceType.UNUSED;
    const table = normal ? lookup : reserved;
    if (table.has(piece)) throw new CheckpointError(source, `piece "${piece}" (id ${id}) is already defined`);
    table.set(piece, id);
    if (normal) maxPieceUnits = Math.max(maxPieceUnits, piece.length);
    if (type === PieceType.NORMAL) {
      minScore = Math.min(minScore, score);
      maxScore = Math.max(maxScore, score);
    } else if (type === PieceType.USER_DEFINED) {
      userDefinedFlags[id] = 1;
      userDefined.push(piece);
    } else if (type === PieceType.UNUSED) unused[id] = 1;
    else if (type === PieceType.UNKNOWN) {
      if (unkId >= 0) throw new CheckpointError(source, `two unknown pieces: ids ${unkId} and ${id}`);
      unkId = id;
    } else if (type === PieceType.BYTE) {
      if (!trainerSpec.byteFallback) {
        throw new CheckpointError(source, `byte piece "${piece}" (id ${id}) found although byte_fallback is false`);
      }
      const byte = byteOfPiece(piece);
      if (byte < 0) throw new CheckpointError(source, `byte piece "${piece}" (id ${id}) is not of the form <0xNN>`);
      byteIds[byte] = id;
    }
  }
  if (unkId < 0) throw new CheckpointError(source, 'no piece has type UNKNOWN (<unk>)');
  if (trainerSpec.byteFallback && byteIds.includes(-1)) {
    const missing = bytePieceName(byteIds.indexOf(-1));
    throw new CheckpointError(source, `byte_fallback is true but byte piece ${missing} is missing (256 are needed)`);
  }
  const unkScore = Math.fround(Math.fround(minScore) - UNK_PENALTY);
  return {
    lattice: { lookup, scores, userDefined: userDefinedFlags, unused, maxPieceUnits, unkScore, maxScore, unkId },
    pieces,
    reserved,
    byteIds,
    userDefined,
  };
}
