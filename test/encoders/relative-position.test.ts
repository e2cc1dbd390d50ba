import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { bucketGrid, relativePositionBucket } from '../../src/models/wan/umt5/relative-position.js';
import { need, readParityCase } from '../../src/parity/case-file.js';
import { FIXTURES, goldenFiles } from './helpers.js';

test('buckets of every offset −511…511 equal the official float32 computation (golden inter.rel_bucket)', async () => {
  for (const file of goldenFiles(/^umt5_encoder.*\.safetensors$/)) {
    const c = await readParityCase(file);
    const rb = need(c, 'inter.rel_bucket').data as Int32Array;
    const spec = { numBuckets: c.config.num_buckets as number, bidirectional: true, maxDistance: 128 };
    const half = (rb.length - 1) / 2;
    for (let i = 0; i < rb.length; i++) {
      assert.equal(relativePositionBucket(i - half, spec), rb[i], `${file}: offset ${i - half}`);
    }
  }
});

test('buckets match PyTorch for other bucket counts, distances and the unidirectional variant', () => {
  const data = JSON.parse(readFileSync(join(FIXTURES, 't5-buckets.json'), 'utf8')) as {
    offsets: [number, number];
    cases: { numBuckets: number; maxDistance: number; bidirectional: boolean; buckets: number[] }[];
  };
  assert.ok(data.cases.length >= 8);
  for (const c of data.cases) {
    c.buckets.forEach((b, i) => {
      const rel = data.offsets[0] + i;
      assert.equal(relativePositionBucket(rel, c), b, `${JSON.stringify({ ...c, buckets: undefined })} offset ${rel}`);
    });
  }
});

test('the exact boundaries: 2, 4 and 6 log-buckets start at offsets 16, 32 and 64 (UMT5-XXL spec)', () => {
  const spec = { numBuckets: 32, bidirectional: true, maxDistance: 128 };
  assert.equal(relativePositionBucket(0, spec), 0);
  assert.equal(relativePositionBucket(7, spec), 16 + 7);
  assert.equal(relativePositionBucket(-7, spec), 7);
  assert.equal(relativePositionBucket(15, spec), 16 + 9);
  assert.equal(relativePositionBucket(16, spec), 16 + 10);
  assert.equal(relativePositionBucket(-32, spec), 12);
  assert.equal(relativePositionBucket(64, spec), 16 + 14);
  assert.equal(relativePositionBucket(90, spec), 16 + 14);
  assert.equal(relativePositionBucket(127, spec), 16 + 15);
  assert.equal(relativePositionBucket(128, spec), 16 + 15);
  assert.equal(relativePositionBucket(-100000, spec), 15);
});

test('bucketGrid is indexed [query, key] by key − query', () => {
  const spec = { numBuckets: 32, bidirectional: true, maxDistance: 128 };
  const g = bucketGrid(40, spec);
  assert.equal(g.length, 1600);
  for (const [i, j] of [
    [0, 39],
    [39, 0],
    [5, 5],
    [10, 30],
  ]) {
    assert.equal(g[i * 40 + j], relativePositionBucket(j - i, spec));
  }
  assert.throws(() => bucketGrid(4, { ...spec, numBuckets: 1 }), /num_buckets/);
});
