// A SentencePiece unigram tokenizer with SentencePiece's exact results: normaliser, Viterbi
// segmentation, <unk> merging and byte fallback (SentencePieceProcessor::Encode and
// PopulateSentencePieceText in src/sentencepiece_processor.cc). No special tokens are added.

import { CheckpointError } from '../engine/errors.js';
import { AddedTokenSplitter } from './added-tokens.js';
import { decodeIds } from './decode.js';
import { Normalizer } from './normalizer.js';
import { buildPieceTable, type PieceTable } from './piece-table.js';
import { ModelType, PieceType, parseSentencePieceModel, type SentencePieceModel } from './sentencepiece-model.js';
import { modelFromTokenizerJson } from './tokenizer-json.js';
import { viterbiSegment } from './unigram-viterbi.js';
import { utf8Decode, utf8Encode } from './utf8.js';

/** Text to encode: a string, or raw UTF-8 bytes (which may be malformed, as SentencePiece allows). */
export type TokenizerInput = string | Uint8Array;

/** Options of {@link UnigramTokenizer.encode}. */
export interface EncodeOptions {
  /**
   * Match literal added tokens in the text (`</s>`, `<pad>`, `<unk>`, extra ids, user-defined
   * symbols: the CONTROL, UNKNOWN and USER_DEFINED pieces) before normalising and encode the text
   * between them separately, as transformers' tokenizers do. Default false: SentencePiece, which
   * treats `</s>` in the text as plain characters.
   */
  readonly matchAddedTokens?: boolean;
}

/** Encodes and decodes with a SentencePiece unigram model. */
export class UnigramTokenizer {
  /** The model this tokenizer was built from. */
  readonly model: SentencePieceModel;
  /** Number of pieces (ids are 0 .. vocabSize-1). */
  readonly vocabSize: number;
  /** Id of `<unk>`. */
  readonly unkId: number;
  /** Id of `</s>`, or -1 when the model has none. */
  readonly eosId: number;
  /** Id of `<pad>`, or -1 when the model has none. */
  readonly padId: number;
  /** Whether unknown characters become `<0xNN>` byte pieces. */
  readonly byteFallback: boolean;
  readonly #table: PieceTable;
  readonly #normalizer: Normalizer;
  readonly #added: AddedTokenSplitter;

  /** @param source names the model file in error messages. */
  constructor(model: SentencePieceModel, source = 'tokenizer model') {
    if (model.trainerSpec.modelType !== ModelType.UNIGRAM) {
      throw new CheckpointError(source, `model_type is ${model.trainerSpec.modelType}, only UNIGRAM (1) is supported`);
    }
    this.model = model;
    this.#table = buildPieceTable(model, source);
    this.#normalizer = new Normalizer(
      model.normalizerSpec,
      this.#table.userDefined,
      model.trainerSpec.treatWhitespaceAsSuffix,
      source,
    );
    this.vocabSize = model.pieces.length;
    this.unkId = this.#table.lattice.unkId;
    this.eosId = this.#controlId(model.trainerSpec.eosId, '</s>');
    this.padId = this.#controlId(model.trainerSpec.padId, '<pad>');
    this.byteFallback = model.trainerSpec.byteFallback;
    const addedTypes = new Set<number>([PieceType.CONTROL, PieceType.UNKNOWN, PieceType.USER_DEFINED]);
    this.#added = new AddedTokenSplitter(
      model.pieces.flatMap((p, id) => (addedTypes.has(p.type) ? [{ content: p.piece, id }] : [])),
    );
  }

  /** Loads a serialized SentencePiece model (`spiece.model`). */
  static fromSentencePiece(bytes: Uint8Array, source = 'spiece.model'): UnigramTokenizer {
    return new UnigramTokenizer(parseSentencePieceModel(bytes, source), source);
  }

  /** Loads a parsed Hugging Face `tokenizer.json` with a Unigram model. */
  static fromTokenizerJson(json: unknown, source = 'tokenizer.json'): UnigramTokenizer {
    return new UnigramTokenizer(modelFromTokenizerJson(json, source), source);
  }

  /** The piece string of an id. */
  pieceOf(id: number): string {
    const p = this.model.pieces[id];
    if (!p) throw new RangeError(`id ${id} is outside the vocabulary (0..${this.vocabSize - 1})`);
    return p.piece;
  }

  /** The id of a piece string; `<unk>`'s id when there is none (SentencePiece's PieceToId). */
  pieceToId(piece: string): number {
    return this.#table.reserved.get(piece) ?? this.#table.lattice.lookup.get(piece) ?? this.unkId;
  }

  /** The normalised text the model segments (spaces shown as U+2581). */
  normalize(text: TokenizerInput): string {
    return utf8Decode(this.#normalizer.normalize(toBytes(text)));
  }

  /** Token ids of `text`; no `</s>` or other special token is added. */
  encode(text: TokenizerInput, options: EncodeOptions = {}): number[] {
    if (!options.matchAddedTokens) return this.#encodeText(text);
    const parts = this.#added.split(typeof text === 'string' ? text : utf8Decode(text));
    return parts.flatMap((part) => ('id' in part ? [part.id] : this.#encodeText(part.text)));
  }

  #encodeText(text: TokenizerInput): number[] {
    const normalized = this.normalize(text);
    const { byteIds } = this.#table;
    const ids: number[] = [];
    let prevUnk = false;
    for (const seg of viterbiSegment(normalized, this.#table.lattice)) {
      const isUnk = seg.id === this.unkId;
      if (isUnk && this.byteFallback) {
        for (const b of utf8Encode(normalized.slice(seg.begin, seg.end))) ids.push(byteIds[b]);
      } else if (!(isUnk && prevUnk)) {
        ids.push(seg.id);
      }
      prevUnk = isUnk;
    }
    return ids;
  }

  /** Piece strings of `text` (merged unknown runs show as the unk piece). */
  encodeAsPieces(text: TokenizerInput, options: EncodeOptions = {}): string[] {
    return this.encode(text, options).map((id) => this.pieceOf(id));
  }

  /** Text of `ids`, as SentencePiece decodes it (control ids such as `</s>` and `<pad>` vanish). */
  decode(ids: ArrayLike<number>): string {
    return decodeIds(ids, this.model.pieces, this.model.normalizerSpec, this.model.trainerSpec);
  }

  #controlId(specId: number, fallbackPiece: string): number {
    const pieces = this.model.pieces;
    if (specId >= 0 && specId < pieces.length && pieces[specId].type === PieceType.CONTROL) return specId;
    return this.#table.reserved.get(fallbackPiece) ?? -1;
  }
}

function toBytes(text: TokenizerInput): Uint8Array {
  return typeof text === 'string' ? utf8Encode(text) : text;
}
