// A small UMT5-style unigram vocabulary generated in code, written both as a
// SentencePiece `spiece.model` and as the `tokenizer.json` transformers'
// converter makes of it, so tiny model folders ship a working tokenizer
// without a multi-MB download. The id layout is T5's: <pad> 0, </s> 1,
// <unk> 2, then the 256 byte-fallback pieces, then text pieces.

import { type VocabEntry, writeSentencePieceModel } from '../tokenizers/sentencepiece-writer.js';

const SPACE = '\u2581';

/** Common prompt words, each a piece with the word-start marker. */
const WORDS = `a an the of in on at to and with over under through across near beside by from into
cat dog fox bird fish horse rabbit panda owl robot man woman girl boy child children astronaut chef dancer
red blue green yellow white black golden orange purple pink grey brown silver bright dark old young small big
snow rain sun sunset sky cloud clouds sea ocean river lake mountain forest city street market beach field garden
walks runs flies swims dances sits jumps rides plays looks waits moves slowly quickly quietly softly
light lighting cinematic shot film camera close up wide angle view aerial slow motion detailed style video
water fire wind tree trees flower flowers grass road car train boat house window room night day morning evening`
  .split(/\s+/)
  .filter((w) => w !== '');

const CHARS = Array.from({ length: 126 - 33 + 1 }, (_, i) => String.fromCharCode(33 + i));

/** One vocabulary entry; ids are positions. */
export type TinyPiece = VocabEntry;

/** The generated vocabulary (same every call). */
export function tinyVocabulary(): TinyPiece[] {
  const hex = (b: number) => `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`;
  return [
    { piece: '<pad>', score: 0, kind: 'control' },
    { piece: '</s>', score: 0, kind: 'control' },
    { piece: '<unk>', score: 0, kind: 'unknown' },
    ...Array.from({ length: 256 }, (_, b): TinyPiece => ({ piece: hex(b), score: 0, kind: 'byte' })),
    { piece: SPACE, score: -3, kind: 'normal' },
    // Scores are float32-exact so both file formats carry identical values.
    ...CHARS.map((c, i): TinyPiece => ({ piece: c, score: -8 - i / 128, kind: 'normal' })),
    ...WORDS.map((w, i): TinyPiece => ({ piece: SPACE + w, score: -4 - i / 256, kind: 'normal' })),
  ];
}

/** The vocabulary as a serialized SentencePiece ModelProto (`spiece.model`). */
export function tinySentencePieceModel(): Uint8Array {
  return writeSentencePieceModel(tinyVocabulary());
}

/** The Hugging Face `tokenizer.json` equivalent of {@link tinySentencePieceModel}. */
export function tinyTokenizerJson(): Record<string, unknown> {
  const vocab = tinyVocabulary();
  const metaspace = { type: 'Metaspace', replacement: SPACE, prepend_scheme: 'always', split: true };
  const special = (id: number) => ({
    id,
    content: vocab[id].piece,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [special(0), special(1), special(2)],
    normalizer: {
      type: 'Sequence',
      normalizers: [
        { type: 'Strip', strip_left: false, strip_right: true },
        { type: 'Replace', pattern: { Regex: ' {2,}' }, content: SPACE },
      ],
    },
    pre_tokenizer: metaspace,
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '</s>', type_id: 0 } }],
      pair: [
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '</s>', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 0 } },
        { SpecialToken: { id: '</s>', type_id: 0 } },
      ],
      special_tokens: { '</s>': { id: '</s>', ids: [1], tokens: ['</s>'] } },
    },
    decoder: metaspace,
    model: { type: 'Unigram', unk_id: 2, vocab: vocab.map((p) => [p.piece, p.score]), byte_fallback: true },
  };
}

/** `tokenizer_config.json` and `special_tokens_map.json` as google/umt5-xxl ships them (trimmed). */
export function tinyTokenizerSideFiles(): Record<string, Record<string, unknown>> {
  return {
    'special_tokens_map.json': { eos_token: '</s>', pad_token: '<pad>', unk_token: '<unk>' },
    'tokenizer_config.json': {
      tokenizer_class: 'T5Tokenizer',
      eos_token: '</s>',
      pad_token: '<pad>',
      unk_token: '<unk>',
      extra_ids: 0,
      additional_special_tokens: [],
      sp_model_kwargs: {},
    },
  };
}
