// Reads a Hugging Face tokenizer.json with a Unigram model (what transformers' T5/SpmConverter
// writes: Precompiled normaliser + Strip/Replace, Metaspace pre-tokenizer) into the same model
// description a spiece.model gives, so that both files tokenize with SentencePiece's rules.
//
// Piece types are not stored in tokenizer.json; they are recovered as follows: the model's unk_id
// is UNKNOWN, special added tokens are CONTROL, other added tokens USER_DEFINED, `<0xNN>` pieces
// are BYTE when byte_fallback is set, the rest NORMAL.

import { CheckpointError } from '../engine/errors.js';
import { byteOfPiece } from './piece-table.js';
import {
  DEFAULT_NORMALIZER_SPEC,
  DEFAULT_TRAINER_SPEC,
  type NormalizerSpec,
  PieceType,
  type SentencePiece,
  type SentencePieceModel,
} from './sentencepiece-model.js';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Builds a SentencePieceModel from a parsed tokenizer.json. */
export function modelFromTokenizerJson(json: unknown, source = 'tokenizer.json'): SentencePieceModel {
  const fail = (msg: string): never => {
    throw new CheckpointError(source, msg);
  };
  if (!isObject(json)) return fail('expected a JSON object at the top level');
  const model = json.model;
  if (!isObject(model)) return fail('has no "model" object');
  if (model.type !== 'Unigram') return fail(`model.type is ${JSON.stringify(model.type)}, expected "Unigram"`);
  if (!Array.isArray(model.vocab)) return fail('model.vocab is not an array');
  const unkId = model.unk_id;
  if (typeof unkId !== 'number' || !Number.isInteger(unkId) || unkId < 0 || unkId >= model.vocab.length) {
    return fail(`model.unk_id is ${JSON.stringify(unkId)}, expected an id below ${model.vocab.length}`);
  }
  const byteFallback = model.byte_fallback === true;
  const added = addedTokenKinds(json.added_tokens, fail);

  const pieces: SentencePiece[] = model.vocab.map((entry: unknown, id: number) => {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string' || typeof entry[1] !== 'number') {
      return fail(`model.vocab[${id}] is ${JSON.stringify(entry)}, expected [piece, score]`);
    }
    const piece = entry[0];
    let type: PieceType = PieceType.NORMAL;
    const special = added.get(id);
    if (id === unkId) type = PieceType.UNKNOWN;
    else if (special?.content === piece) type = special.special ? PieceType.CONTROL : PieceType.USER_DEFINED;
    else if (byteFallback && byteOfPiece(piece) >= 0) type = PieceType.BYTE;
    return { piece, score: Math.fround(entry[1]), type };
  });

  // Added tokens may live past the model's vocabulary (ids vocab.length, vocab.length + 1, ...).
  for (let id = pieces.length; added.has(id); id++) {
    const t = added.get(id)!;
    pieces.push({ piece: t.content, score: 0, type: t.special ? PieceType.CONTROL : PieceType.USER_DEFINED });
  }
  const stray = [...added.keys()].find((id) => id >= pieces.length);
  if (stray !== undefined) fail(`added token id ${stray} leaves a gap after the ${pieces.length} vocabulary entries`);
  const idOf = (piece: string): number => pieces.findIndex((p) => p.piece === piece && p.type === PieceType.CONTROL);
  return {
    pieces,
    trainerSpec: {
      ...DEFAULT_TRAINER_SPEC,
      byteFallback,
      unkId,
      bosId: idOf('<s>'),
      eosId: idOf('</s>'),
      padId: idOf('<pad>'),
    },
    normalizerSpec: normalizerSpecOf(json, fail),
  };
}

function addedTokenKinds(
  list: unknown,
  fail: (msg: string) => never,
): Map<number, { content: string; special: boolean }> {
  const out = new Map<number, { content: string; special: boolean }>();
  if (list === undefined || list === null) return out;
  if (!Array.isArray(list)) return fail('added_tokens is not an array');
  for (const t of list) {
    if (!isObject(t) || typeof t.id !== 'number' || typeof t.content !== 'string') {
      return fail(`added_tokens entry ${JSON.stringify(t)} has no numeric "id" and string "content"`);
    }
    out.set(t.id, { content: t.content, special: t.special === true });
  }
  return out;
}

/** Flattens Sequence nodes of a normalizer / pre_tokenizer tree. */
function components(node: unknown, key: 'normalizers' | 'pretokenizers'): Json[] {
  if (!isObject(node)) return [];
  if (node.type === 'Sequence' && Array.isArray(node[key])) return node[key].flatMap((n) => components(n, key));
  return [node];
}

function normalizerSpecOf(json: Json, fail: (msg: string) => never): NormalizerSpec {
  const norms = components(json.normalizer, 'normalizers');
  const pres = components(json.pre_tokenizer, 'pretokenizers');
  for (const n of norms) {
    const squeeze = n.type === 'Replace' && isObject(n.pattern) && n.pattern.Regex === ' {2,}';
    if (n.type !== 'Precompiled' && n.type !== 'Strip' && !squeeze) {
      fail(`normalizer ${JSON.stringify(n)} is not supported (Precompiled, Strip and Replace(" {2,}") are)`);
    }
  }
  const precompiled = norms.find((n) => n.type === 'Precompiled');
  let charsmap: Uint8Array = new Uint8Array(0);
  if (precompiled) {
    if (typeof precompiled.precompiled_charsmap !== 'string')
      fail('Precompiled normalizer has no precompiled_charsmap');
    charsmap = base64Decode(String(precompiled.precompiled_charsmap));
  }
  const metaspace = pres.find((p) => p.type === 'Metaspace');
  if (metaspace && metaspace.replacement !== '\u2581') {
    fail(`Metaspace replacement is ${JSON.stringify(metaspace.replacement)}, expected "\u2581"`);
  }
  const prepend = metaspace
    ? metaspace.prepend_scheme !== undefined
      ? metaspace.prepend_scheme !== 'never'
      : metaspace.add_prefix_space !== false
    : false;
  // The converters express remove_extra_whitespaces as Strip + Replace(" {2,}") (or, in older
  // files, a WhitespaceSplit pre-tokenizer).
  const squeezes =
    norms.some((n) => n.type === 'Strip' || n.type === 'Replace') || pres.some((p) => p.type === 'WhitespaceSplit');
  return {
    ...DEFAULT_NORMALIZER_SPEC,
    name: precompiled ? 'precompiled' : 'identity',
    precompiledCharsmap: charsmap,
    addDummyPrefix: prepend,
    removeExtraWhitespaces: squeezes,
    escapeWhitespaces: metaspace !== undefined,
  };
}

function base64Decode(text: string): Uint8Array {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
