// The built-in model's tokenizer: a SentencePiece unigram model made in code from
// the shapes world's closed vocabulary (English words, Chinese words, and the
// characters and bytes they are made of), serialised as a ModelProto so the
// model folder's `google/umt5-xxl/spiece.model` loads through the same reader as
// the real UMT5 tokenizer. Ids follow T5: <pad> 0, </s> 1, <unk> 2, then the 256
// byte-fallback pieces, then text pieces.
import { parseSentencePieceModel } from '../tokenizers/sentencepiece-model.js';
import { type VocabEntry, writeSentencePieceModel } from '../tokenizers/sentencepiece-writer.js';
import { UnigramTokenizer } from '../tokenizers/unigram-tokenizer.js';
import { BACKGROUND_WORDS, COLOUR_WORDS, MOTION_WORDS, SHAPE_WORDS, SIZE_WORDS } from '../world/vocab.js';

const SPACE = '\u2581';

/** Words of the English prompt templates that are not in the vocabulary tables. */
const ENGLISH_GLUE = ['a', 'an', 'A', 'An', 'and', 'on', 'background', 'the', 'to', 'of', 'with', 'sized'];

/**
 * Chinese words the prompts are segmented into. Longest match wins in the unigram
 * Viterbi (each word scores better than its characters), so e.g. 中等大小的 becomes
 * 中等 · 大小 · 的 and 向左上方移动 becomes 向左上方 · 移动.
 */
const CHINESE_WORDS = [
  '一个',
  '的',
  '，',
  '。',
  '背景',
  '上',
  '小',
  '中等',
  '大小',
  '大',
  '静止',
  '不动',
  '保持',
  '向左',
  '向右',
  '向上',
  '向下',
  '向左上方',
  '向右上方',
  '向左下方',
  '向右下方',
  '移动',
  '滑动',
  '升',
  '落',
  '在',
  '弹跳',
  '碰到',
  '边缘',
  '后',
  '弹回',
  '变大',
  '变小',
  '逐渐',
  '旋转',
  '转动',
];

/** ASCII punctuation, digits and letters as single pieces: unknown English words fall back to these. */
const ASCII = Array.from({ length: 126 - 33 + 1 }, (_, i) => String.fromCharCode(33 + i));

/** One vocabulary entry; its id is its position. */
export type VocabPiece = VocabEntry;

function worldPhrases(lang: 'en' | 'zh'): string[] {
  const out: string[] = [];
  for (const table of [COLOUR_WORDS, SHAPE_WORDS, SIZE_WORDS, BACKGROUND_WORDS]) {
    for (const w of Object.values(table)) out.push(w[lang]);
  }
  for (const m of Object.values(MOTION_WORDS)) out.push(...m[lang]);
  return out;
}

/** The vocabulary (same every call): control pieces, bytes, then words, then single characters. */
export function builtinVocabulary(): VocabPiece[] {
  const hex = (b: number) => `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`;
  const words = new Set<string>(ENGLISH_GLUE);
  for (const phrase of worldPhrases('en')) {
    for (const w of phrase.split(/\s+/)) {
      words.add(w);
      for (const part of w.split('-')) if (part) words.add(part);
    }
  }
  const zhNouns = [COLOUR_WORDS, SHAPE_WORDS, BACKGROUND_WORDS].flatMap((t) => Object.values(t).map((w) => w.zh));
  const zhWords = new Set<string>([...zhNouns, ...CHINESE_WORDS]);
  const zhChars = new Set<string>();
  for (const w of [...worldPhrases('zh'), ...zhWords]) for (const ch of w) zhChars.add(ch);
  for (const a of ASCII) zhChars.delete(a);
  const normal: VocabPiece[] = [];
  // Scores are float32-exact, and strictly decreasing so ties never depend on the Viterbi order.
  normal.push({ piece: SPACE, score: -3, kind: 'normal' });
  for (const [i, w] of [...words].entries()) normal.push({ piece: SPACE + w, score: -4 - i / 256, kind: 'normal' });
  for (const [i, w] of [...zhWords].entries()) normal.push({ piece: w, score: -4 - i / 256, kind: 'normal' });
  for (const [i, c] of [...zhChars].entries()) normal.push({ piece: c, score: -10 - i / 256, kind: 'normal' });
  for (const [i, c] of ASCII.entries()) normal.push({ piece: c, score: -10 - i / 256, kind: 'normal' });
  const seen = new Set<string>();
  const unique = normal.filter((p) => {
    if (seen.has(p.piece)) return false;
    seen.add(p.piece);
    return true;
  });
  return [
    { piece: '<pad>', score: 0, kind: 'control' },
    { piece: '</s>', score: 0, kind: 'control' },
    { piece: '<unk>', score: 0, kind: 'unknown' },
    ...Array.from({ length: 256 }, (_, b): VocabPiece => ({ piece: hex(b), score: 0, kind: 'byte' })),
    ...unique,
  ];
}

/** The vocabulary as a serialised SentencePiece ModelProto (`spiece.model`). */
export function builtinSentencePieceModel(): Uint8Array {
  return writeSentencePieceModel(builtinVocabulary());
}

/** A tokenizer over {@link builtinSentencePieceModel}. */
export function builtinTokenizer(): UnigramTokenizer {
  return new UnigramTokenizer(parseSentencePieceModel(builtinSentencePieceModel(), 'built-in spiece.model'));
}
