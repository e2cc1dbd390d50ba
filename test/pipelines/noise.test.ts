import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gaussianNoise, philox4x32 } from '../../src/pipelines/noise.js';

test('Philox4x32-10 matches the Random123 known-answer vectors', () => {
  assert.deepEqual(philox4x32([0, 0, 0, 0], 0, 0), [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]);
  assert.deepEqual(
    philox4x32([0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], 0xffffffff, 0xffffffff),
    [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd],
  );
  assert.deepEqual(
    philox4x32([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], 0xa4093822, 0x299f31d0),
    [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1],
  );
});

test('noise is standard normal, seeded, and a prefix of longer draws', () => {
  const n = gaussianNoise(42, 200_000);
  let s = 0;
  let s2 = 0;
  for (const v of n) {
    s += v;
    s2 += v * v;
  }
  assert.ok(Math.abs(s / n.length) < 0.01);
  assert.ok(Math.abs(s2 / n.length - 1) < 0.01);
  assert.deepEqual(gaussianNoise(42, 1001).subarray(0, 1000), gaussianNoise(42, 1000));
  assert.notDeepEqual(gaussianNoise(43, 100), gaussianNoise(42, 100));
  // Pinned values: a change of generator must be a deliberate, documented decision.
  assert.deepEqual(Array.from(gaussianNoise(42, 2)), [-0.9701898097991943, 0.19401895999908447]);
  assert.throws(() => gaussianNoise(-1, 2), /seed/);
});
