// `bench ceiling` reports the FLOPs of its two kernels exactly (its rates are only as
// good as these counts); the timings themselves are a benchmark's business, not a test's.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { benchCeiling } from '../../src/bench/ceiling.js';
import { OrtNodeRuntime } from '../../src/engine/runtime/ort-node.js';

test('bench ceiling: SGEMM and 3×3 convolution FLOPs, positive finite rates', async () => {
  const res = await benchCeiling({ runtime: new OrtNodeRuntime(), threads: 1, repeat: 1 });
  assert.equal(res.gemm.gflop, Math.round((2 * 2048 ** 3) / 1e8) / 10);
  assert.equal(res.conv3x3.gflop, Math.round((2 * 96 * 96 * 9 * 240 * 416) / 1e8) / 10);
  for (const r of [res.gemm, res.conv3x3]) assert.ok(Number.isFinite(r.gflopPerSecond) && r.gflopPerSecond > 0);
});
