// The training benchmark returns throughput and peak memory.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { benchTrain } from '../../src/bench/train.js';
import { OrtNodeRuntime } from '../../src/engine/runtime/ort-node.js';

test('benchTrain reports steps/s and peak RSS for the tiny DiT', async () => {
  const r = await benchTrain(new OrtNodeRuntime(), { steps: 3, warmup: 1, checkpointing: true, threads: 1 });
  assert.equal(r.what, 'train');
  assert.equal(r.tokens, 16);
  assert.ok(r.params > 30000);
  assert.ok(r.stepsPerSecond > 1, `${r.stepsPerSecond} steps/s`);
  assert.ok(r.peakRssMb > 10 && r.peakRssMb < 4096, `${r.peakRssMb} MB`);
  assert.ok(Number.isFinite(r.finalLoss));
});
