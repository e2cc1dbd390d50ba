// Wan's prompt pipeline against ftfy + html.unescape + the Hugging Face fast tokenizer (fixtures
// from tools/tokenizer/make-prompt-fixtures.py).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cleanPrompt, Umt5PromptTokenizer } from '../../src/tokenizers/index.js';
import { loadersFor, type PromptCase, readJsonFixture, spFixtures } from './fixtures.js';

const prompts = readJsonFixture<{ max_length: number; models: Record<string, { cases: PromptCase[] }> }>(
  'prompts.json',
);
const models = spFixtures();

describe('cleanPrompt', () => {
  it('matches Wan clean="whitespace" (ftfy.fix_text, html.unescape x2, squeeze) on every fixture prompt', () => {
    for (const c of prompts.models['umt5-bf'].cases) {
      assert.equal(cleanPrompt(c.prompt), c.clean, `prompt ${JSON.stringify(c.prompt)}`);
    }
  });

  it('unescapes HTML up to three levels deep, but not past a "<" line', () => {
    assert.equal(cleanPrompt('Tom &amp;amp;amp; Jerry'), 'Tom & Jerry');
    assert.equal(cleanPrompt('<b>x</b> &amp;amp;amp;'), '<b>x</b> &amp;');
    assert.equal(cleanPrompt('caf&eacute; &EACUTE; &copy2024'), 'café É ©2024');
  });

  it('applies the ftfy fixes that matter for prompts', () => {
    assert.equal(cleanPrompt('\u201cﬁne\u201d \uff26\uff35\uff2c\uff2c\u3000width'), '"fine" FULL width');
    assert.equal(cleanPrompt(' a\r\nb\u2028c\x85d\x1b[31m e\x00\ufeff '), 'a b c…d e');
    assert.equal(cleanPrompt('e\u0301'), '\u00e9');
  });
});

for (const [name, fixture] of Object.entries(prompts.models)) {
  describe(`Umt5PromptTokenizer: ${name}`, () => {
    for (const { label, tok } of loadersFor(models[name])) {
      const pt = new Umt5PromptTokenizer(tok, { maxLength: prompts.max_length });

      it(`${label}: ids, mask and length equal the transformers pipeline for every prompt`, () => {
        for (const c of fixture.cases) {
          const out = pt.encode(c.prompt);
          const expectIds = [...c.ids, ...new Array<number>(pt.maxLength - c.ids.length).fill(0)];
          assert.deepEqual(Array.from(out.ids), expectIds, `prompt ${JSON.stringify(c.prompt)}`);
          assert.equal(out.length, c.ids.length);
          assert.deepEqual(
            Array.from(out.mask),
            expectIds.map((_, i) => (i < c.ids.length ? 1 : 0)),
          );
        }
      });

      it(`${label}: truncates long prompts to 512 with </s> last`, () => {
        const long = fixture.cases.find((c) => c.ids.length === 512);
        assert.ok(long, 'the fixtures include a prompt longer than 512 tokens');
        const out = pt.encode(long.prompt);
        assert.equal(out.length, 512);
        assert.equal(out.ids[511], tok.eosId);
        assert.ok(out.mask.every((m) => m === 1));
        const short = new Umt5PromptTokenizer(tok, { maxLength: 4 }).encode('a b c d e f');
        assert.deepEqual(Array.from(short.ids.slice(0, 3)), tok.encode('a b c').slice(0, 3));
        assert.equal(short.ids[3], tok.eosId);
      });
    }
  });
}

describe('Umt5PromptTokenizer edge cases', () => {
  const [{ tok }] = loadersFor(models['umt5-bf']);

  it('encodes an empty prompt as </s> followed by padding', () => {
    const out = new Umt5PromptTokenizer(tok).encode('   ');
    assert.equal(out.length, 1);
    assert.equal(out.ids[0], 1);
    assert.equal(out.ids.length, 512);
    assert.ok(out.ids.subarray(1).every((id) => id === 0));
  });

  it('matches literal special tokens as transformers does, unlike plain SentencePiece', () => {
    const c = prompts.models['umt5-bf'].cases.find((x) => x.sentencepiece_ids !== undefined);
    assert.ok(c);
    assert.deepEqual(tok.encode(c.clean, { matchAddedTokens: true }), c.ids.slice(0, -1));
    assert.deepEqual([...tok.encode(c.clean), 1], c.sentencepiece_ids);
  });

  it('rejects a bad maxLength', () => {
    assert.throws(() => new Umt5PromptTokenizer(tok, { maxLength: 0 }), /maxLength/);
  });

  it('tokenizes a 512-token prompt in milliseconds', () => {
    const pt = new Umt5PromptTokenizer(tok);
    const prompt = fixture512();
    pt.encode(prompt);
    const t0 = performance.now();
    const out = pt.encode(prompt);
    const ms = performance.now() - t0;
    assert.equal(out.length, 512);
    assert.ok(ms < 250, `took ${ms.toFixed(1)} ms`);
  });
});

function fixture512(): string {
  const long = prompts.models['umt5-bf'].cases.find((c) => c.ids.length === 512);
  assert.ok(long);
  return long.prompt;
}
