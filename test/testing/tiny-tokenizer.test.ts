import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tinySentencePieceModel, tinyTokenizerJson, tinyVocabulary } from '../../src/testing/index.js';
import { PieceType, Umt5PromptTokenizer, UnigramTokenizer } from '../../src/tokenizers/index.js';

const PROMPTS = [
  'a red fox runs through the snowy forest, cinematic lighting',
  '  Two   children play in the garden at sunset.  ',
  'Zürich café 42% – 一只猫 🐈',
  '</s> literal special token',
  '',
];

describe('tiny tokenizer', () => {
  const sp = UnigramTokenizer.fromSentencePiece(tinySentencePieceModel(), 'spiece.model');
  const tj = UnigramTokenizer.fromTokenizerJson(JSON.parse(JSON.stringify(tinyTokenizerJson())), 'tokenizer.json');

  it('has the T5 id layout: <pad> 0, </s> 1, <unk> 2, then 256 byte pieces', () => {
    for (const t of [sp, tj]) {
      assert.equal(t.vocabSize, tinyVocabulary().length);
      assert.equal(t.padId, 0);
      assert.equal(t.eosId, 1);
      assert.equal(t.unkId, 2);
      assert.equal(t.byteFallback, true);
      assert.equal(t.pieceOf(3), '<0x00>');
      assert.equal(t.pieceOf(258), '<0xFF>');
    }
    assert.equal(sp.model.pieces[3].type, PieceType.BYTE);
    assert.equal(sp.model.pieces[0].type, PieceType.CONTROL);
  });

  it('spiece.model and tokenizer.json tokenize alike, words as single pieces, the rest as bytes', () => {
    for (const p of PROMPTS) assert.deepEqual(tj.encode(p), sp.encode(p), p);
    const ids = sp.encode('a red fox');
    assert.deepEqual(
      ids.map((i) => sp.pieceOf(i)),
      ['\u2581a', '\u2581red', '\u2581fox'],
    );
    // Characters outside the vocabulary fall back to their UTF-8 bytes, never <unk>.
    assert.ok(!sp.encode('一只猫').includes(sp.unkId));
  });

  it('serves Wan prompt encoding (padding, </s>)', () => {
    const enc = new Umt5PromptTokenizer(sp, { maxLength: 16 }).encode('a cat in the snow');
    assert.equal(enc.ids.length, 16);
    assert.equal(enc.ids[enc.length - 1], 1);
    assert.equal(enc.ids[enc.length], 0);
  });
});
