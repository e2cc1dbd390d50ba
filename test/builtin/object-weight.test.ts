// The object-weighted joint loss: the latent mask follows the object through the VAE's
// causal frame grouping, and the per-example weights keep mean 1 (so the loss scale is as
// with uniform weights) with no loss on an image-to-video first frame.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exampleWeights, latentObjectMask } from '../../src/builtin/joint-train.js';
import type { Scene } from '../../src/world/scene.js';

const video = { frames: 17, width: 64, height: 64 };

function square(motion: 'right' | 'still', x: number, vx: number): Scene {
  return {
    background: 'black',
    seed: 1,
    objects: [
      {
        shape: 'square',
        colour: 'red',
        size: 'small',
        motion,
        radius: 0.075,
        x,
        y: 0.5,
        vx,
        vy: 0,
        scaleFrom: 1,
        scaleTo: 1,
        angle: 0,
        spin: 0,
      },
    ],
  };
}

function columns(m: Float32Array, k: number): number[] {
  const cols = new Set<number>();
  for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) if (m[(k * 8 + y) * 8 + x]) cols.add(x);
  return [...cols].sort((a, b) => a - b);
}

test('latent object mask: covers the object in every latent frame and moves with it', () => {
  const still = latentObjectMask(square('still', 0.5, 0), video, [5, 8, 8]);
  for (let k = 0; k < 5; k++) assert.deepEqual(columns(still, k), columns(still, 0), `frame ${k}`);
  assert.ok(columns(still, 0).includes(3) && columns(still, 0).includes(4));
  // Moving right by half the frame: latent frame 0 is video frame 0 only, frame 4 spans frames 13–16.
  const right = latentObjectMask(square('right', 0.2, 0.5), video, [5, 8, 8]);
  const first = columns(right, 0);
  const last = columns(right, 4);
  assert.ok(Math.max(...first) <= 2, `start columns ${first}`);
  assert.ok(Math.min(...last) >= 4, `end columns ${last}`);
  // Latent frame 1 groups video frames 1–4: its mask is the union over those frames.
  const one = columns(right, 1);
  assert.ok(one.length >= first.length, `frame 1 columns ${one}`);
  for (const v of right) assert.ok(v === 0 || v === 1);
});

test('example weights: objects weigh 1 + objectWeight times the background, mean 1, no loss on a given first frame', () => {
  const grid = [5, 8, 8] as const;
  const mask = latentObjectMask(square('right', 0.2, 0.5), video, grid);
  const mean = (w: Float32Array) => w.reduce((a, b) => a + b, 0) / w.length;
  const obj = mask.indexOf(1);
  const bg = mask.indexOf(0);
  for (const i2v of [false, true]) {
    const w = exampleWeights(grid, 4, mask, i2v);
    assert.ok(Math.abs(mean(w) - 1) < 1e-6, `mean ${mean(w)}`);
    const later = (k: number) => k + 64; // the same position one latent frame later
    const o = i2v ? later(obj) : obj;
    const b = i2v ? later(bg) : bg;
    assert.ok(mask[o] === 1 && mask[b] === 0);
    assert.ok(Math.abs(w[o] / w[b] - 5) < 1e-5, `object/background ${w[o] / w[b]}`);
    if (i2v) assert.ok(w.subarray(0, 64).every((v) => v === 0));
  }
  // Uniform weights stay exactly 1 (and 5/4 after an image-to-video first frame).
  assert.ok(exampleWeights(grid, 0, undefined, false).every((v) => v === 1));
  assert.ok(
    exampleWeights(grid, 0, undefined, true)
      .subarray(64)
      .every((v) => v === 1.25),
  );
  assert.throws(() => exampleWeights(grid, 4, undefined, false), /object mask/);
});
