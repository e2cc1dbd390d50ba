// The built-in tokenizer: made from the shapes world's vocabulary, serialised as a
// SentencePiece ModelProto that the package's reader loads back, and able to spell
// every prompt the world makes (in both languages) without unknown or byte pieces.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { builtinSentencePieceModel, builtinTokenizer, builtinVocabulary } from '../../src/builtin/tokenizer.js';
import { cleanPrompt } from '../../src/tokenizers/prompt-clean.js';
import { parseSentencePieceModel } from '../../src/tokenizers/sentencepiece-model.js';
import { Umt5PromptTokenizer } from '../../src/tokenizers/umt5-prompt-tokenizer.js';
import { UnigramTokenizer } from '../../src/tokenizers/unigram-tokenizer.js';
import { datasetSample } from '../../src/world/dataset.js';

test('the ModelProto round-trips: same pieces, scores, types and special ids', () => {
  const vocab = builtinVocabulary();
  const model = parseSentencePieceModel(builtinSentencePieceModel());
  assert.equal(model.pieces.length, vocab.length);
  const type = { normal: 1, unknown: 2, control: 3, byte: 6 } as const;
  vocab.forEach((p, i) => {
    assert.equal(model.pieces[i].piece, p.piece);
    assert.equal(model.pieces[i].score, Math.fround(p.score));
    assert.equal(model.pieces[i].type, type[p.kind]);
  });
  assert.deepEqual(
    [model.trainerSpec.padId, model.trainerSpec.eosId, model.trainerSpec.unkId, model.trainerSpec.bosId],
    [0, 1, 2, -1],
  );
  assert.equal(model.trainerSpec.byteFallback, true);
  assert.equal(new Set(vocab.map((p) => p.piece)).size, vocab.length, 'pieces are unique');
  // deterministic: the same bytes every time
  assert.deepEqual(builtinSentencePieceModel(), builtinSentencePieceModel());
});

test('every world prompt (English and Chinese) encodes to known pieces and decodes back', () => {
  const tok = builtinTokenizer();
  assert.ok(tok instanceof UnigramTokenizer);
  const prompts = new Umt5PromptTokenizer(tok, { maxLength: 64 });
  let longest = 0;
  for (let i = 0; i < 150; i++) {
    for (const lang of ['en', 'zh'] as const) {
      const { prompt } = datasetSample({ seed: 'builtin-tokenizer-test', render: false, languages: [lang] }, i);
      const ids = tok.encode(cleanPrompt(prompt));
      for (const id of ids) {
        assert.ok(
          id > 258,
          `'${prompt}': piece ${id} (${tok.model.pieces[id].piece}) is a control, unknown or byte piece`,
        );
      }
      assert.equal(tok.decode(ids), cleanPrompt(prompt));
      const enc = prompts.encode(prompt);
      assert.equal(enc.ids[enc.length - 1], 1, '</s> ends the prompt');
      longest = Math.max(longest, enc.length);
    }
  }
  assert.ok(longest <= 32, `longest prompt has ${longest} tokens`);
});

test('words are single pieces: a red circle moving right / 一个红色的圆形向右移动', () => {
  const tok = builtinTokenizer();
  const pieces = (s: string) => tok.encode(s).map((id) => tok.model.pieces[id].piece);
  assert.deepEqual(pieces('a red circle moving right'), ['▁a', '▁red', '▁circle', '▁moving', '▁right']);
  assert.deepEqual(pieces('一个红色的圆形向右移动'), ['▁', '一个', '红色', '的', '圆形', '向右', '移动']);
  assert.deepEqual(pieces('中等大小的'), ['▁', '中等', '大小', '的']);
  // Unknown words still encode (characters, then bytes), never to <unk>.
  assert.ok(!tok.encode('a zebra ☃').includes(2));
});
