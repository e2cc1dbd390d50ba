// A small UMT5-style unigram vocabulary generated in code, written both as a
// SentencePiece `spiece.model` and as the `tokenizer.json` transformers'
// converter makes of it, so tiny model folders ship a working tokenizer
// without a multi-MB download. The id layout is T5's: <pad> 0, </s> 1,
// <unk> 2, then the 256 byte-fallback pieces, then text pieces.

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
export interface TinyPiece {
  readonly piece: string;
  readonly score: number;
  readonly kind: 'control' | 'unknown' | 'byte' | 'normal';
}

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
  const w = new ProtoWriter();
  const type = { normal: 1, unknown: 2, control: 3, byte: 6 } as const;
  for (const p of tinyVocabulary()) {
    const piece = new ProtoWriter();
    piece.string(1, p.piece);
    piece.float(2, p.score);
    if (p.kind !== 'normal') piece.varint(3, type[p.kind]);
    w.message(1, piece);
  }
  const trainer = new ProtoWriter();
  trainer.varint(3, 1); // model_type UNIGRAM
  trainer.varint(4, tinyVocabulary().length); // vocab_size
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

/** Just enough of the protobuf wire format to write a ModelProto. */
class ProtoWriter {
  readonly #out: number[] = [];

  bytes(): Uint8Array {
    return Uint8Array.from(this.#out);
  }

  #raw(v: bigint): void {
    while (v >= 0x80n) {
      this.#out.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.#out.push(Number(v));
  }

  #key(field: number, wire: number): void {
    this.#raw(BigInt(field * 8 + wire));
  }

  varint(field: number, v: number): void {
    this.#key(field, 0);
    // Negative int32 values are sign-extended to 64 bits (10 bytes), as protobuf does.
    this.#raw(BigInt.asUintN(64, BigInt(v)));
  }

  float(field: number, v: number): void {
    this.#key(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.#out.push(...b);
  }

  #len(field: number, b: Uint8Array): void {
    this.#key(field, 2);
    this.#raw(BigInt(b.byteLength));
    this.#out.push(...b);
  }

  string(field: number, s: string): void {
    this.#len(field, new TextEncoder().encode(s));
  }

  message(field: number, m: ProtoWriter): void {
    this.#len(field, m.bytes());
  }
}
