// The evaluation's validation split: training triples with the held-out list's shapes and
// motions (never a held-out triple), fresh single-object scenes of the training split, and an
// evaluation run on them that reports which split it scored.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluateModel, heldoutScene, VALIDATION_TRIPLES, validationScene } from '../../src/builtin/eval.js';
import { evalTables } from '../../src/builtin/eval-table.js';
import { builtinModelDir } from '../../src/builtin/paths.js';
import { OrtNodeRuntime } from '../../src/engine/runtime/ort-node.js';
import { WanPipeline } from '../../src/pipelines/wan-pipeline.js';
import { HELDOUT_TRIPLES, isHeldout } from '../../src/world/heldout.js';

const key = (t: { colour: string; shape: string; motion: string }) => `${t.colour}-${t.shape}-${t.motion}`;

test('validation triples are training triples with the held-out shapes and motions', () => {
  assert.equal(VALIDATION_TRIPLES.length, HELDOUT_TRIPLES.length);
  assert.equal(new Set(VALIDATION_TRIPLES.map(key)).size, VALIDATION_TRIPLES.length, 'no triple twice');
  VALIDATION_TRIPLES.forEach((v, i) => {
    assert.ok(!isHeldout(v), `${key(v)} is held out`);
    assert.equal(v.shape, HELDOUT_TRIPLES[i].shape);
    assert.equal(v.motion, HELDOUT_TRIPLES[i].motion);
    assert.notEqual(v.colour, HELDOUT_TRIPLES[i].colour);
  });
});

test('validation scenes show their triple, differ per index and are not held-out scenes', () => {
  for (const t of VALIDATION_TRIPLES) {
    const a = validationScene(t, 0);
    const b = validationScene(t, 1);
    for (const s of [a, b]) {
      assert.equal(s.objects.length, 1);
      assert.equal(key(s.objects[0]), key(t));
    }
    assert.notDeepEqual(a, b);
    assert.deepEqual(validationScene(t, 0), a, 'deterministic');
  }
  assert.notEqual(
    key(heldoutScene(HELDOUT_TRIPLES[0], 0).objects[0]),
    key(validationScene(VALIDATION_TRIPLES[0], 0).objects[0]),
  );
});

test('an evaluation on the validation split generates and reports the validation triples', async () => {
  const pipe = await WanPipeline.open(builtinModelDir(), {
    runtime: new OrtNodeRuntime(),
    threads: 1,
    memory: 'resident',
  });
  try {
    const r = await evaluateModel(pipe, {
      split: 'validation',
      scenes: 1,
      seeds: 1,
      languages: ['en'],
      imageScenes: 0,
      steps: 4,
    });
    assert.equal(r.settings.split, 'validation');
    assert.equal(r.cases.length, VALIDATION_TRIPLES.length);
    assert.deepEqual(
      r.perTriple.map((p) => key(p.triple)),
      VALIDATION_TRIPLES.map(key),
    );
    r.cases.forEach((c) => {
      assert.ok(c.prompt.includes(c.triple.colour), `'${c.prompt}' names ${c.triple.colour}`);
      assert.ok(!isHeldout(c.triple));
    });
    assert.match(evalTables(r), /12 validation \(training, fresh scenes\) \(colour, shape, motion\) triples/);
  } finally {
    await pipe.dispose();
  }
});
