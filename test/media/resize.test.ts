import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InputError } from '../../src/engine/errors.js';
import { bestOutputSize, centerCrop, resizeCoverCenterCrop } from '../../src/media/crop.js';
import { pyFloorDiv, roundHalfEven } from '../../src/media/python-math.js';
import { resizeBicubicTorch } from '../../src/media/resize-bicubic-torch.js';
import { resizeLanczosPil } from '../../src/media/resize-lanczos-pil.js';
import { loadCases, loadF32, loadU8 } from './fixtures.js';

function firstDiff(a: Uint8Array, b: Uint8Array): string {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return `byte ${i}: got ${a[i]}, expected ${b[i]}`;
  return 'none';
}

describe('resizeBicubicTorch matches torch F.interpolate(bicubic, align_corners=False)', () => {
  const cases = loadCases('bicubic');
  test('fixtures are present', () => assert.ok(cases.length >= 5));
  for (const c of cases) {
    test(c.name, () => {
      const [, h, w] = c.input.shape;
      const out = resizeBicubicTorch({ width: w, height: h, data: loadF32(c.input) }, c.params.outH, c.params.outW);
      const expected = loadF32(c.output);
      assert.equal(out.width, c.params.outW);
      assert.equal(out.height, c.params.outH);
      assert.equal(out.data.length, expected.length);
      let worst = 0;
      for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(out.data[i] - expected[i]));
      assert.ok(worst <= 1e-5, `max |diff| ${worst}`);
    });
  }
  test('rejects a non-integer output size', () => {
    assert.throws(() => resizeBicubicTorch({ width: 2, height: 2, data: new Float32Array(12) }, 0, 3), InputError);
  });
});

describe('resizeLanczosPil matches PIL Image.resize(LANCZOS) byte for byte', () => {
  const cases = loadCases('lanczos');
  test('fixtures are present', () => assert.ok(cases.length >= 5));
  for (const c of cases) {
    test(c.name, () => {
      const [h, w] = c.input.shape;
      const out = resizeLanczosPil({ width: w, height: h, data: loadU8(c.input) }, c.params.outW, c.params.outH);
      const expected = loadU8(c.output);
      assert.equal(out.width, c.params.outW);
      assert.equal(out.height, c.params.outH);
      assert.ok(Buffer.from(out.data).equals(Buffer.from(expected)), firstDiff(out.data, expected));
    });
  }
  test('same size is a copy', () => {
    const data = new Uint8Array([1, 2, 3, 4, 5, 6]);
    const out = resizeLanczosPil({ width: 2, height: 1, data }, 2, 1);
    assert.deepEqual([...out.data], [...data]);
    assert.notEqual(out.data, data);
  });
});

describe('TI2V preprocessing (best size, LANCZOS cover, centre crop)', () => {
  for (const c of loadCases('ti2v')) {
    test(c.name, () => {
      const [h, w] = c.input.shape;
      const [ow, oh] = bestOutputSize(w, h, 32, 32, c.params.maxArea);
      assert.deepEqual([ow, oh], [c.params.outW, c.params.outH]);
      const out = resizeCoverCenterCrop({ width: w, height: h, data: loadU8(c.input) }, ow, oh);
      const expected = loadU8(c.output);
      assert.ok(Buffer.from(out.data).equals(Buffer.from(expected)), firstDiff(out.data, expected));
    });
  }

  test('bestOutputSize agrees with the official function on known inputs', () => {
    // Values produced by Wan2.2's best_output_size(w, h, 32, 32, area).
    const known: [number, number, number, number, number][] = [
      [1280, 720, 1280 * 704, 1248, 704],
      [720, 1280, 1280 * 704, 704, 1248],
      [1024, 1024, 1280 * 704, 960, 928],
      [67, 83, 48 * 64, 32, 96],
      [100, 45, 64 * 96, 96, 64],
      [4000, 3000, 1280 * 704, 1088, 800],
      [500, 333, 1280 * 704, 1152, 768],
      [832, 480, 1280 * 704, 1248, 704],
      [3, 3, 32 * 32, 32, 32],
    ];
    for (const [w, h, area, ow, oh] of known)
      assert.deepEqual(bestOutputSize(w, h, 32, 32, area), [ow, oh], `${w}×${h}`);
  });

  test('bestOutputSize refuses impossible aspect ratios instead of dividing by zero', () => {
    assert.throws(() => bestOutputSize(1, 1000, 32, 32, 1280 * 704), /cannot fit/);
  });

  test('centerCrop takes the floor-centred window', () => {
    const data = new Uint8Array(5 * 4 * 3).map((_, i) => i);
    const out = centerCrop({ width: 5, height: 4, data }, 2, 2);
    // x1 = 1, y1 = 1 → pixels (1,1), (2,1), (1,2), (2,2).
    const px = (x: number, y: number) => [...data.subarray((y * 5 + x) * 3, (y * 5 + x) * 3 + 3)];
    assert.deepEqual([...out.data], [...px(1, 1), ...px(2, 1), ...px(1, 2), ...px(2, 2)]);
    assert.throws(() => centerCrop({ width: 5, height: 4, data }, 6, 2), /does not fit/);
  });

  test('Python rounding and floor division', () => {
    assert.deepEqual([0.5, 1.5, 2.5, -0.5, -1.5, 2.4999, 3.7].map(roundHalfEven), [0, 2, 2, -0, -2, 2, 4]);
    assert.equal(pyFloorDiv(0.7, 0.1), 6); // Math.floor(0.7 / 0.1) would give 7
    assert.equal(pyFloorDiv(-7, 2), -4);
    assert.equal(pyFloorDiv(949.3, 32), 29);
  });
});
