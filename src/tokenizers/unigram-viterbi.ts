// Best segmentation of a normalised string under a unigram model, as SentencePiece's
// unigram::Model::EncodeOptimized (src/unigram_model.cc) computes it, including its arithmetic:
// path scores are stored as float32; a candidate through a vocabulary piece is compared in double
// precision (the C++ `auto score` is a double there), a candidate through <unk> in float32. Ties
// keep the first candidate found (starts left to right, shorter pieces first, <unk> last).

/** The vocabulary as the lattice needs it. */
export interface LatticeVocab {
  /** NORMAL, USER_DEFINED and UNUSED pieces (the ones SentencePiece puts in its trie). */
  readonly lookup: ReadonlyMap<string, number>;
  readonly scores: Float32Array;
  /** True for USER_DEFINED ids. */
  readonly userDefined: Uint8Array;
  /** True for UNUSED ids, which are matched but never chosen. */
  readonly unused: Uint8Array;
  /** Longest piece in `lookup`, in UTF-16 code units. */
  readonly maxPieceUnits: number;
  /** float32 min over NORMAL scores, minus 10 (kUnkPenalty). */
  readonly unkScore: number;
  /** float32 max over NORMAL scores, starting from FLT_MIN. */
  readonly maxScore: number;
  readonly unkId: number;
}

/** One piece of the best path: vocabulary id and its span [begin, end) in UTF-16 code units. */
export interface Segment {
  readonly id: number;
  readonly begin: number;
  readonly end: number;
}

const fround = Math.fround;

/** Best path over `text` (already normalised). An empty text has no segments. */
export function viterbiSegment(text: string, vocab: LatticeVocab): Segment[] {
  const size = text.length;
  if (size === 0) return [];
  const bestScore = new Float32Array(size + 1);
  const startsAt = new Int32Array(size + 1).fill(-1);
  const bestId = new Int32Array(size + 1).fill(-1);

  for (let start = 0; start < size; ) {
    const here = bestScore[start];
    const mblen = charUnits(text, start);
    let hasSingleNode = false;
    const limit = Math.min(size, start + vocab.maxPieceUnits);
    for (let end = start + mblen; end <= limit; end += charUnits(text, end)) {
      const id = vocab.lookup.get(text.slice(start, end));
      if (id === undefined || vocab.unused[id]) continue;
      const score = vocab.userDefined[id]
        ? fround(utf8Bytes(text, start, end) * vocab.maxScore) - 0.1
        : vocab.scores[id];
      const candidate = score + here;
      if (startsAt[end] === -1 || candidate > bestScore[end]) {
        bestScore[end] = candidate;
        startsAt[end] = start;
        bestId[end] = id;
      }
      if (end - start === mblen) hasSingleNode = true;
    }
    if (!hasSingleNode) {
      const end = start + mblen;
      const candidate = fround(vocab.unkScore + here);
      if (startsAt[end] === -1 || candidate > bestScore[end]) {
        bestScore[end] = candidate;
        startsAt[end] = start;
        bestId[end] = vocab.unkId;
      }
    }
    start += mblen;
  }

  const out: Segment[] = [];
  for (let end = size; end > 0; end = startsAt[end]) out.push({ id: bestId[end], begin: startsAt[end], end });
  return out.reverse();
}

/** UTF-16 units of the code point at `i` (2 for a surrogate pair). */
function charUnits(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c >= 0xd800 && c < 0xdc00 && i + 1 < text.length) {
    const d = text.charCodeAt(i + 1);
    if (d >= 0xdc00 && d < 0xe000) return 2;
  }
  return 1;
}

function utf8Bytes(text: string, begin: number, end: number): number {
  let n = 0;
  for (let i = begin; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
