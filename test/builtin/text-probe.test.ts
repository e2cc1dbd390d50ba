// The text-encoder pre-training phase: its targets name exactly what the prompt
// names, and a short run of the real trainer teaches a tiny UMT5 to expose those
// attributes (the probe's error falls well below what the attribute frequencies
// alone allow), with gradients reaching the encoder's own weights.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initJointParams, isTextParam } from '../../src/builtin/joint-init.js';
import {
  attributeTarget,
  initProbeParams,
  PROBE_PREFIX,
  PROBE_WIDTH,
  TextProbe,
} from '../../src/builtin/text-probe.js';
import { builtinTokenizer } from '../../src/builtin/tokenizer.js';
import { OrtNodeRuntime } from '../../src/engine/runtime/ort-node.js';
import { tinyModelConfigs } from '../../src/testing/tiny-configs.js';
import { Umt5PromptTokenizer } from '../../src/tokenizers/umt5-prompt-tokenizer.js';
import { TrainRng } from '../../src/training/rng.js';
import { train } from '../../src/training/train.js';
import { datasetSample } from '../../src/world/dataset.js';
import type { Scene } from '../../src/world/scene.js';
import { BACKGROUNDS, COLOURS, MOTIONS, SHAPES, SIZES } from '../../src/world/vocab.js';

const PER_OBJECT = COLOURS.length + SHAPES.length + MOTIONS.length + SIZES.length;

function scene(objects: 1 | 2, i: number): Scene {
  for (let k = i; ; k++) {
    const s = datasetSample({ seed: 'probe-test', split: 'train', render: false }, k).scene;
    if (s.objects.length === objects) return s;
  }
}

test('attribute targets: one-hot for each named attribute, nothing for what the template leaves out', () => {
  const one = scene(1, 0);
  const o = one.objects[0];
  const full = attributeTarget(one, 3);
  const ones = (v: Float32Array) => [...v.keys()].filter((k) => v[k] === 1);
  const bgAt = 2 * PER_OBJECT;
  assert.deepEqual(ones(full), [
    COLOURS.indexOf(o.colour),
    COLOURS.length + SHAPES.indexOf(o.shape),
    COLOURS.length + SHAPES.length + MOTIONS.indexOf(o.motion),
    COLOURS.length + SHAPES.length + MOTIONS.length + SIZES.indexOf(o.size),
    bgAt + BACKGROUNDS.indexOf(one.background),
    bgAt + BACKGROUNDS.length,
  ]);
  assert.equal(
    full.reduce((a, b) => a + b, 0),
    6,
  );
  // Template 0 names neither the size nor the background.
  assert.deepEqual(ones(attributeTarget(one, 0)), [
    ones(full)[0],
    ones(full)[1],
    ones(full)[2],
    bgAt + BACKGROUNDS.length,
  ]);
  const two = scene(2, 0);
  const t2 = attributeTarget(two, 0);
  assert.equal(t2.length, PROBE_WIDTH);
  assert.equal(t2[PER_OBJECT + COLOURS.indexOf(two.objects[1].colour)], 1);
  assert.equal(t2[bgAt + BACKGROUNDS.length + 1], 1);
});

test('text probe: a short real run makes the encoder expose the attributes', async () => {
  const tok = builtinTokenizer();
  // The tiny test models' UMT5 and DiT; only the text encoder's weights are trained here.
  const { textEncoder: text, dit } = tinyModelConfigs('ti2v-2.2', tok.vocabSize);
  const runtime = new OrtNodeRuntime();
  const probe = new TextProbe(text, {
    runtime,
    threads: 1,
    tokenizer: new Umt5PromptTokenizer(tok, { maxLength: 48 }),
    textLen: 48,
    promptNoise: 0.1,
  });
  const params = initProbeParams(initJointParams(text, dit, 3), text, 4);
  assert.ok([...params.keys()].every((k) => isTextParam(k, text) || k.startsWith(PROBE_PREFIX)));
  try {
    const scenes = Array.from({ length: 256 }, (_, i) => datasetSample({ seed: 'probe-run', render: false }, i).scene);
    // The probe's floor without reading the prompt: predicting each target's mean.
    const targets = scenes.map((s, i) => attributeTarget(s, i % 4));
    const mean = new Float32Array(PROBE_WIDTH);
    for (const t of targets) for (let k = 0; k < PROBE_WIDTH; k++) mean[k] += t[k] / targets.length;
    let floor = 0;
    for (const t of targets) for (let k = 0; k < PROBE_WIDTH; k++) floor += (t[k] - mean[k]) ** 2 / targets.length;

    const grads = await probe.lossAndGrads(params, scenes.slice(0, 8), {
      rng: new TrainRng(1),
      trainable: new Set(params.keys()),
    });
    const emb = grads.grads.get('token_embedding.weight');
    assert.ok(emb && (emb.data as Float32Array).some((v) => v !== 0), 'gradient reaches the token embedding');

    const res = await train({
      model: probe,
      params,
      data: { length: scenes.length, get: (i) => scenes[i] },
      steps: 400,
      batchSize: 16,
      optimizer: { lr: 5e-3, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0 },
      schedule: { warmupSteps: 10, decay: 'cosine', minLr: 3e-4 },
      clipGradNorm: 1,
      seed: 5,
    });
    const tail = res.history.slice(-20).reduce((s, h) => s + h.loss, 0) / 20;
    assert.ok(
      tail < 0.5 * floor,
      `probe loss ${tail.toFixed(3)} should be under half the prompt-blind floor ${floor.toFixed(3)}`,
    );
  } finally {
    await probe.dispose();
  }
});
