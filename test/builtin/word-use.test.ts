// The word-use diagnostic on the shipped built-in model: a wrong colour word must cost
// the denoiser (the model is colour-accurate, so it relies on that word), and every
// figure is finite. Which words a model ignores is what the diagnostic is for.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { builtinModelDir } from '../../src/builtin/paths.js';
import { wordUse, wordUseTable } from '../../src/builtin/word-use.js';
import { OrtNodeRuntime } from '../../src/engine/runtime/ort-node.js';

test('word use: a wrong colour word raises the built-in DiT loss', async () => {
  const rows = await wordUse({ runtime: new OrtNodeRuntime(), dir: builtinModelDir(), clips: 4, sigmas: [0.8] });
  assert.equal(rows.length, 1);
  const r = rows[0];
  for (const v of [r.loss, r.colour, r.shape, r.motion]) assert.ok(Number.isFinite(v));
  assert.ok(r.loss > 0);
  assert.ok(r.colour > 0.2, `wrong colour raised the loss by only ${(100 * r.colour).toFixed(1)} %`);
  assert.match(wordUseTable(rows), /\| 0\.8 \|/);
});
