import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  BACKGROUND_RGB,
  BACKGROUNDS,
  COLOUR_RGB,
  COLOURS,
  HELDOUT_TRIPLES,
  motionsFor,
  type Rgb,
  SIZE_RADIUS,
  SIZES,
  WORLD_PALETTE,
} from '../../src/world/index.js';

const dist = (a: Rgb, b: Rgb) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

test('object colours are far apart and far from every background', () => {
  assert.ok(COLOURS.length >= 8);
  for (let i = 0; i < COLOURS.length; i++) {
    for (let j = i + 1; j < COLOURS.length; j++) {
      const d = dist(COLOUR_RGB[COLOURS[i]], COLOUR_RGB[COLOURS[j]]);
      assert.ok(d >= 95, `${COLOURS[i]}/${COLOURS[j]} only ${d.toFixed(0)} apart`);
    }
    for (const bg of BACKGROUNDS) assert.ok(dist(COLOUR_RGB[COLOURS[i]], BACKGROUND_RGB[bg]) >= 150);
  }
  assert.deepEqual(
    WORLD_PALETTE.map((p) => p.name),
    [...COLOURS],
  );
});

test('sizes grow and held-out triples are valid, distinct and leave every word in training', () => {
  for (let i = 1; i < SIZES.length; i++) assert.ok(SIZE_RADIUS[SIZES[i]] > SIZE_RADIUS[SIZES[i - 1]]);
  const keys = new Set(HELDOUT_TRIPLES.map((t) => `${t.colour}/${t.shape}/${t.motion}`));
  assert.equal(keys.size, HELDOUT_TRIPLES.length);
  for (const t of HELDOUT_TRIPLES) assert.ok(motionsFor(t.shape).includes(t.motion), `${t.shape} cannot ${t.motion}`);
  for (const c of COLOURS)
    assert.ok(
      HELDOUT_TRIPLES.some((t) => t.colour === c),
      `${c} has no held-out triple`,
    );
});
