// The evaluation prompts a scene with the same template in both languages, so that the
// English–Chinese gap it reports measures language and not which scenes happened to have
// their size or background named.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  EVAL_DEFAULTS,
  evalPrompt,
  heldoutScene,
  VALIDATION_TRIPLES,
  validationScene,
} from '../../src/builtin/eval.js';
import { HELDOUT_TRIPLES } from '../../src/world/heldout.js';
import { type Lang, promptFor } from '../../src/world/prompt.js';
import type { Scene } from '../../src/world/scene.js';
import { SIZE_WORDS } from '../../src/world/vocab.js';

// Whole words: "getting smaller" names no size.
const namesSize = (p: string, lang: Lang) =>
  Object.values(SIZE_WORDS).some((w) => (lang === 'en' ? new RegExp(`\\b${w.en}\\b`).test(p) : p.includes(w.zh)));
const namesBackground = (p: string, lang: Lang) => p.includes(lang === 'en' ? ' background' : '背景上');
const template = (p: string, lang: Lang) => Number(namesSize(p, lang)) + 2 * Number(namesBackground(p, lang));

const scenes: Scene[] = [];
for (let k = 0; k < EVAL_DEFAULTS.scenes + EVAL_DEFAULTS.imageScenes; k++) {
  for (const t of HELDOUT_TRIPLES) scenes.push(heldoutScene(t, k));
  for (const t of VALIDATION_TRIPLES) scenes.push(validationScene(t, k));
}

test('an evaluation scene gets the same template in English and Chinese', () => {
  let differ = 0;
  for (const s of scenes) {
    assert.equal(template(evalPrompt(s, 'zh'), 'zh'), template(evalPrompt(s, 'en'), 'en'), evalPrompt(s, 'en'));
    // The prompts a scene gets outside the evaluation draw the template per language.
    if (template(promptFor(s, 'zh'), 'zh') !== template(promptFor(s, 'en'), 'en')) differ++;
  }
  assert.ok(differ > 0, 'the detector above would miss a per-language template');
});

test('evaluation prompts use every template and name the scene in full', () => {
  const seen = new Set(scenes.map((s) => template(evalPrompt(s, 'en'), 'en')));
  assert.deepEqual([...seen].sort(), [0, 1, 2, 3]);
  for (const s of scenes.slice(0, 24)) {
    for (const lang of ['en', 'zh'] as const) {
      const t = template(evalPrompt(s, lang), lang);
      assert.equal(evalPrompt(s, lang), promptFor(s, lang, { template: t }));
    }
  }
});
