// transformers' added-token splitting: before normalising, the text is cut at literal occurrences
// of added tokens (`<pad>`, `</s>`, `<unk>`, extra ids, user-defined symbols), matched leftmost-
// longest on the raw text as the tokenizers crate's AddedVocabulary does for non-normalized tokens.
// Each piece of text between them is then tokenized on its own.

/** A piece of text, or an added token's id. */
export type AddedTokenPart = { readonly text: string } | { readonly id: number };

/** Leftmost-longest matcher over a fixed set of added tokens. */
export class AddedTokenSplitter {
  /** Tokens by first UTF-16 unit, longest first. */
  readonly #byFirst = new Map<number, { content: string; id: number }[]>();

  constructor(tokens: Iterable<{ readonly content: string; readonly id: number }>) {
    for (const t of tokens) {
      if (t.content.length === 0) continue;
      const key = t.content.charCodeAt(0);
      const list = this.#byFirst.get(key) ?? [];
      list.push({ content: t.content, id: t.id });
      this.#byFirst.set(key, list);
    }
    for (const list of this.#byFirst.values()) list.sort((a, b) => b.content.length - a.content.length);
  }

  /** Splits `text` into text parts and added-token ids, in order; empty text parts are dropped. */
  split(text: string): AddedTokenPart[] {
    const parts: AddedTokenPart[] = [];
    let segmentStart = 0;
    for (let i = 0; i < text.length; ) {
      const match = this.#byFirst.get(text.charCodeAt(i))?.find((t) => text.startsWith(t.content, i));
      if (!match) {
        i++;
        continue;
      }
      if (i > segmentStart) parts.push({ text: text.slice(segmentStart, i) });
      parts.push({ id: match.id });
      i += match.content.length;
      segmentStart = i;
    }
    if (segmentStart < text.length) parts.push({ text: text.slice(segmentStart) });
    return parts;
  }
}
