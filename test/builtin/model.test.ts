// The shipped built-in model: the folder in assets/builtin-model/ opens through the
// same WanPipeline as any Wan folder, uses its wanjs.json defaults (17 frames of
// 64×64), and a held-out prompt gives a clip whose object the analytic checker finds
// in the prompted colour; image-to-video keeps the given first frame's object.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { heldoutScene } from '../../src/builtin/eval.js';
import { BUILTIN_FILES } from '../../src/builtin/export.js';
import { builtinModelDir } from '../../src/builtin/paths.js';
import { OrtNodeRuntime } from '../../src/engine/runtime/ort-node.js';
import { WanPipeline } from '../../src/pipelines/wan-pipeline.js';
import { HELDOUT_TRIPLES } from '../../src/world/heldout.js';
import { firstFrame, frameToRgb, promptFor, scoreClip } from '../../src/world/index.js';

const dir = builtinModelDir();

test('the built-in folder has the official layout', () => {
  for (const f of Object.values(BUILTIN_FILES)) assert.ok(existsSync(join(dir, f)), `${f} is missing from ${dir}`);
});

test('a held-out prompt generates 17 frames of 64×64 with the prompted colour (text-to-video and image-to-video)', async () => {
  const pipe = await WanPipeline.open(dir, { runtime: new OrtNodeRuntime(), threads: 1, memory: 'resident' });
  try {
    assert.equal(pipe.name, 'wanjs-shapes-tiny');
    assert.equal(pipe.task, 'ti2v');
    // cyan circle moving right: a held-out combination
    const triple = HELDOUT_TRIPLES.find((t) => t.colour === 'cyan' && t.shape === 'circle' && t.motion === 'right');
    assert.ok(triple);
    const scene = heldoutScene(triple, 0);
    const res = await pipe.generate({ prompt: promptFor(scene, 'en'), seed: 0, steps: 12 });
    assert.deepEqual(res.shape, [3, 17, 64, 64]);
    assert.equal(res.settings.frames, 17);
    const score = scoreClip({ shape: res.shape, data: res.video }, scene);
    assert.ok(score.colourOk, `no ${triple.colour} object found (found: ${JSON.stringify(score.extraColours)})`);

    const frame = firstFrame(scene);
    const i2v = await pipe.generate({
      prompt: promptFor(scene, 'en'),
      seed: 0,
      steps: 12,
      image: { width: 64, height: 64, data: frameToRgb(frame, 0) },
    });
    assert.equal(i2v.settings.task, 'ti2v-i2v');
    const s2 = scoreClip({ shape: i2v.shape, data: i2v.video }, scene);
    assert.ok(
      s2.colourOk && s2.objects[0].shapeOk,
      `image-to-video lost the object: ${JSON.stringify(s2.objects[0].found?.shape)}`,
    );
  } finally {
    await pipe.dispose();
  }
});
