import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ShapeError } from '../../src/engine/errors.js';
import { padToEven } from '../../src/media/pad-even.js';
import {
  framesToLatentVideo,
  latentVideoToFrames,
  planarToRgb,
  rgbToPlanar,
  unitToByte,
} from '../../src/media/tensor-convert.js';
import { loadCases, loadF32, loadU8 } from './fixtures.js';

describe('official float <-> uint8 rules (checked against PyTorch)', () => {
  test('uint8 -> [-1, 1]: to_tensor().sub_(0.5).div_(0.5), bit-exact for all 256 values', () => {
    const [c] = loadCases('to-unit');
    const bytes = loadU8(c.input);
    const expected = loadF32(c.output);
    const planar = rgbToPlanar({ width: 256, height: 1, data: new Uint8Array([...bytes].flatMap((b) => [b, b, b])) });
    for (let i = 0; i < 256; i++) {
      assert.ok(Object.is(planar.data[i], expected[i]), `byte ${i}: ${planar.data[i]} vs ${expected[i]}`);
      assert.ok(Object.is(planar.data[512 + i], expected[i]));
    }
  });

  test('[-1, 1] -> uint8: clamp, (x + 1) / 2 * 255, truncate — equal to torch on edge and random values', () => {
    const [c] = loadCases('to-uint8');
    const vals = loadF32(c.input);
    const expected = loadU8(c.output);
    assert.ok(vals.length > 2000);
    let mismatches = 0;
    for (let i = 0; i < vals.length; i++) if (unitToByte(vals[i]) !== expected[i]) mismatches++;
    assert.equal(mismatches, 0);
  });

  test('NaN maps to 0 and out-of-range values clamp', () => {
    assert.equal(unitToByte(Number.NaN), 0);
    assert.equal(unitToByte(7), 255);
    assert.equal(unitToByte(-7), 0);
    assert.equal(unitToByte(0), 127);
  });

  test('the official round trip loses one level on some values (floor), exactly as PyTorch', () => {
    const bytes = new Uint8Array(256).map((_, i) => i);
    const back = planarToRgb(
      rgbToPlanar({ width: 256, height: 1, data: new Uint8Array(768).map((_, i) => bytes[i % 256]) }),
    );
    let lost = 0;
    for (let i = 0; i < 256; i++) {
      const d = i - back.data[i];
      assert.ok(d === 0 || d === 1, `byte ${i} came back as ${back.data[i]}`);
      lost += d;
    }
    assert.ok(lost > 0 && lost < 256);
    assert.equal(back.data[0], 0);
    assert.equal(back.data[255], 255);
  });
});

describe('latentVideoToFrames / framesToLatentVideo layouts', () => {
  test('[3, F, H, W] planar video becomes F interleaved frames', () => {
    const f = 2;
    const h = 2;
    const w = 3;
    const video = new Float32Array(3 * f * h * w);
    // Channel c, frame t, pixel i gets a distinct value in [-1, 1].
    for (let c = 0; c < 3; c++)
      for (let t = 0; t < f; t++)
        for (let i = 0; i < h * w; i++) video[(c * f + t) * h * w + i] = -1 + (2 * (c * 12 + t * 6 + i)) / 40;
    const frames = latentVideoToFrames(video, [3, f, h, w]);
    assert.equal(frames.length, 2);
    for (let t = 0; t < f; t++) {
      assert.equal(frames[t].width, w);
      assert.equal(frames[t].height, h);
      for (let i = 0; i < h * w; i++)
        for (let c = 0; c < 3; c++)
          assert.equal(frames[t].data[i * 3 + c], unitToByte(video[(c * f + t) * h * w + i]), `t${t} i${i} c${c}`);
    }
    const back = framesToLatentVideo(frames);
    assert.deepEqual(back.shape, [3, f, h, w]);
    for (let k = 0; k < video.length; k++) assert.ok(Math.abs(back.data[k] - video[k]) <= 2 / 255 + 1e-6);
  });

  test('shape errors name what is wrong', () => {
    assert.throws(() => latentVideoToFrames(new Float32Array(10), [3, 1, 2, 2]), ShapeError);
    assert.throws(() => latentVideoToFrames(new Float32Array(12), [4, 1, 1, 3]), /\[3, F, H, W\]/);
    const a = { width: 2, height: 1, data: new Uint8Array(6) };
    const b = { width: 1, height: 2, data: new Uint8Array(6) };
    assert.throws(() => framesToLatentVideo([a, b]), /frame 1 is 1×2, frame 0 is 2×1/);
  });
});

describe('padToEven (H.264 odd sizes)', () => {
  test('repeats the last column and row; even frames are returned as is', () => {
    const data = new Uint8Array(3 * 3 * 3).map((_, i) => i);
    const padded = padToEven({ width: 3, height: 3, data });
    assert.deepEqual([padded.width, padded.height], [4, 4]);
    const px = (x: number, y: number) => [...padded.data.subarray((y * 4 + x) * 3, (y * 4 + x) * 3 + 3)];
    const src = (x: number, y: number) => [...data.subarray((y * 3 + x) * 3, (y * 3 + x) * 3 + 3)];
    for (let y = 0; y < 4; y++) {
      for (let x = 0; x < 4; x++) assert.deepEqual(px(x, y), src(Math.min(x, 2), Math.min(y, 2)), `(${x}, ${y})`);
    }
    const even = { width: 2, height: 2, data: new Uint8Array(12) };
    assert.equal(padToEven(even), even);
  });
});
