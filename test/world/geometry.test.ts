import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng, insideShape, pixelCoverage, SHAPES, shapeExtent, shapeSymmetry } from '../../src/world/index.js';

test('every shape has area π and lies within its extent', () => {
  const n = 400;
  const span = 1.7;
  for (const shape of SHAPES) {
    let hits = 0;
    let far = 0;
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) {
        const u = -span + (2 * span * (i + 0.5)) / n;
        const v = -span + (2 * span * (j + 0.5)) / n;
        if (!insideShape(shape, u, v)) continue;
        hits++;
        far = Math.max(far, Math.hypot(u, v));
      }
    }
    const area = (hits * (2 * span) ** 2) / (n * n);
    assert.ok(Math.abs(area - Math.PI) < 0.02, `${shape} area ${area}`);
    assert.ok(far <= shapeExtent(shape) && far > shapeExtent(shape) - 0.02, `${shape} extent ${far}`);
  }
});

test('shapes repeat after their symmetry period and not before', () => {
  const rng = createRng('symmetry');
  for (const shape of SHAPES) {
    const p = shapeSymmetry(shape);
    let same = 0;
    let half = 0;
    for (let k = 0; k < 2000; k++) {
      const u = rng.range(-1.6, 1.6);
      const v = rng.range(-1.6, 1.6);
      const a = p === 0 ? 1 : p;
      const rot = (t: number) =>
        insideShape(shape, Math.cos(t) * u + Math.sin(t) * v, -Math.sin(t) * u + Math.cos(t) * v);
      if (rot(0) === rot(p)) same++;
      if (rot(0) === rot(a / 2)) half++;
    }
    assert.ok(same >= 1995, `${shape} not periodic`);
    if (p > 0) assert.ok(half < 1950, `${shape} looks the same at half its period`);
  }
});

test('pixel coverage with its fast path equals brute-force supersampling', () => {
  const rng = createRng('coverage');
  for (let k = 0; k < 3000; k++) {
    const shape = rng.pick(SHAPES);
    const r = rng.range(2, 12);
    const angle = rng.range(0, 2 * Math.PI);
    const cos = Math.cos(angle);
    const sin = Math.sin(angle);
    const dx = rng.range(-2 * r, 2 * r);
    const dy = rng.range(-2 * r, 2 * r);
    let hits = 0;
    for (let j = 0; j < 4; j++) {
      for (let i = 0; i < 4; i++) {
        const sx = (dx + (i + 0.5) / 4 - 0.5) / r;
        const sy = (dy + (j + 0.5) / 4 - 0.5) / r;
        if (insideShape(shape, cos * sx + sin * sy, -sin * sx + cos * sy)) hits++;
      }
    }
    assert.equal(pixelCoverage(shape, dx, dy, r, cos, sin, 4), hits / 16, `${shape} at ${dx},${dy} r ${r}`);
  }
});
