// Every fixture string must tokenize to exactly SentencePiece's ids, from spiece.model and from the
// equivalent tokenizer.json alike.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inputOf, loadersFor, spFixtures } from './fixtures.js';

const models = spFixtures();

for (const [name, m] of Object.entries(models)) {
  describe(`SentencePiece parity: ${name}`, () => {
    for (const { label, tok } of loadersFor(m)) {
      it(`${label}: ids of all ${m.cases.length} strings equal SentencePiece's`, () => {
        assert.equal(tok.vocabSize, m.vocab_size);
        for (const c of m.cases) {
          assert.deepEqual(tok.encode(inputOf(c)), c.ids, `input ${JSON.stringify(c.text ?? c.bytes)}`);
        }
      });

      it(`${label}: pieces and decoded text equal SentencePiece's`, () => {
        for (const c of m.cases) {
          if (c.pieces)
            assert.deepEqual(
              c.ids.map((id) => tok.pieceOf(id)),
              c.pieces,
            );
          if (c.decoded !== undefined) assert.equal(tok.decode(c.ids), c.decoded, `decode ${JSON.stringify(c.text)}`);
        }
      });
    }
  });
}

describe('byte fallback', () => {
  it('turns unknown characters into <0xNN> pieces, and plain models into one merged <unk>', () => {
    const [bf] = loadersFor(models['umt5-bf']);
    const [plain] = loadersFor(models.plain);
    const pieces = bf.tok.encodeAsPieces('\u2603');
    assert.deepEqual(pieces.slice(-3), ['<0xE2>', '<0x98>', '<0x83>']);
    assert.equal(bf.tok.decode(bf.tok.encode('a \u2603 b')), 'a \u2603 b');
    const ids = plain.tok.encode('\u2603\u269b');
    assert.equal(ids.filter((id) => id === plain.tok.unkId).length, 1);
  });

  it('maps a malformed UTF-8 byte to U+FFFD, which falls back to its three bytes', () => {
    const [bf] = loadersFor(models['umt5-bf']);
    assert.deepEqual(bf.tok.encodeAsPieces(Uint8Array.of(0xff)), ['\u2581', '<0xEF>', '<0xBF>', '<0xBD>']);
  });
});
