import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  BACKGROUND_RGB,
  COLOUR_RGB,
  COLOURS,
  clipDims,
  clipFromRgb,
  clipToRgb,
  createRng,
  datasetIterator,
  datasetSample,
  firstFrame,
  frameToRgb,
  renderClip,
  type Scene,
  sampleScene,
} from '../../src/world/index.js';

test('same seed renders identical bytes, different seeds differ', () => {
  const a = [...datasetIterator({ seed: 11, count: 4 })];
  const b = [...datasetIterator({ seed: 11, count: 4 })];
  const c = [...datasetIterator({ seed: 12, count: 4 })];
  for (let i = 0; i < 4; i++) {
    assert.deepEqual(Buffer.from(a[i].clip!.data.buffer), Buffer.from(b[i].clip!.data.buffer));
    assert.equal(a[i].prompt, b[i].prompt);
    assert.notDeepEqual(Buffer.from(a[i].clip!.data.buffer), Buffer.from(c[i].clip!.data.buffer));
  }
});

test('sample i is the same whether reached by iteration or directly', () => {
  const it = [...datasetIterator({ seed: 'ra', start: 5, count: 3, render: false })];
  assert.deepEqual(
    it.map((s) => s.index),
    [5, 6, 7],
  );
  assert.deepEqual(it[1].scene, datasetSample({ seed: 'ra' }, 6).scene);
  assert.notDeepEqual(datasetSample({ seed: 'ra', split: 'heldout' }, 6).scene, it[1].scene);
});

test('clip layout is [3, F, H, W] in [-1, 1], with anti-aliased edges', () => {
  const scene = sampleScene(createRng('layout'), { objects: 1 });
  const clip = renderClip(scene, { frames: 5, width: 48, height: 32 });
  assert.deepEqual(clip.shape, [3, 5, 32, 48]);
  assert.deepEqual(clipDims(clip), { frames: 5, height: 32, width: 48 });
  let min = 1;
  let max = -1;
  for (const v of clip.data) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  assert.ok(min >= -1 && max <= 1);
  // Pixel (0, 0) of frame 0 is background: channel c sits at c·F·H·W.
  const bg = BACKGROUND_RGB[scene.background];
  for (let c = 0; c < 3; c++) assert.equal(clip.data[c * 5 * 32 * 48], Math.fround(bg[c] / 127.5 - 1));
  // Edge pixels are blends: more distinct values than the two colours alone.
  const rgb = frameToRgb(clip, 0);
  const distinct = new Set<number>();
  for (let i = 0; i < rgb.length; i += 3) distinct.add((rgb[i] << 16) | (rgb[i + 1] << 8) | rgb[i + 2]);
  assert.ok(distinct.size > 4, `only ${distinct.size} colours`);
});

test('uint8 round trip and first frame', () => {
  const scene = sampleScene(createRng('rt'));
  const clip = renderClip(scene, { frames: 3 });
  const bytes = clipToRgb(clip);
  assert.equal(bytes.length, 3 * 64 * 64 * 3);
  const back = clipFromRgb(bytes, 3, 64, 64);
  for (let i = 0; i < clip.data.length; i++) assert.ok(Math.abs(back.data[i] - clip.data[i]) <= 1 / 127.5);
  const ff = firstFrame(scene);
  assert.deepEqual(ff.shape, [3, 1, 64, 64]);
  assert.deepEqual(frameToRgb(ff, 0), frameToRgb(renderClip(scene), 0));
  assert.throws(() => clipFromRgb(bytes, 4, 64, 64), /need 49152 bytes, found 36864/);
  assert.throws(() => frameToRgb(clip, 3), /frame index/);
  assert.throws(() => clipDims({ shape: [4, 1, 2, 2], data: new Float32Array(16) }), /expected shape \[3, F, H, W\]/);
});

test('a still object in the middle covers its nominal area in its colour', () => {
  for (const colour of COLOURS) {
    const scene: Scene = {
      background: 'black',
      seed: 0,
      objects: [
        {
          shape: 'square',
          colour,
          size: 'large',
          motion: 'still',
          radius: 0.14,
          x: 0.5,
          y: 0.5,
          vx: 0,
          vy: 0,
          scaleFrom: 1,
          scaleTo: 1,
          angle: 0.3,
          spin: 0,
        },
      ],
    };
    const rgb = frameToRgb(renderClip(scene, { frames: 1 }), 0);
    // Coverage summed from the red-green-blue blend towards the object's colour.
    const target = COLOUR_RGB[colour];
    const norm = target[0] ** 2 + target[1] ** 2 + target[2] ** 2;
    let area = 0;
    for (let i = 0; i < rgb.length; i += 3)
      area += (rgb[i] * target[0] + rgb[i + 1] * target[1] + rgb[i + 2] * target[2]) / norm;
    const expected = Math.PI * (0.14 * 64) ** 2;
    assert.ok(Math.abs(area - expected) < 0.02 * expected, `${colour}: area ${area}, expected ${expected}`);
  }
});

test('rendering stops on abort and rejects bad sizes', () => {
  const scene = sampleScene(createRng(1));
  const ac = new AbortController();
  ac.abort();
  assert.throws(() => renderClip(scene, { signal: ac.signal }), /cancelled/);
  assert.throws(() => renderClip(scene, { width: 0 }), /width must be a positive integer, found 0/);
  assert.throws(() => [...datasetIterator({ seed: 1, count: 2, signal: ac.signal })], /cancelled/);
});
