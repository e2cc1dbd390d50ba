// T5 relative-position buckets (wan/modules/t5.py T5RelativeEmbedding), computed
// in JS with every step rounded to float32 as PyTorch does: the bucket of an
// offset depends on a float32 log whose truncation decides the exact boundary
// offsets (16, 32, 64, … for 32 buckets), so float64 maths would be wrong there.
import { ShapeError } from '../../../engine/errors.js';

const f32 = Math.fround;

/** Bucketing parameters of one relative-position table. */
export interface BucketSpec {
  readonly numBuckets: number;
  /** Encoder tables are bidirectional (half the buckets for keys after the query). */
  readonly bidirectional: boolean;
  /** Offsets at or beyond this share the last bucket (128 in every T5). */
  readonly maxDistance: number;
}

/** Bucket of the relative position `rel = keyPos − queryPos`. */
export function relativePositionBucket(rel: number, spec: BucketSpec): number {
  let buckets = spec.numBuckets;
  let base = 0;
  let n: number;
  if (spec.bidirectional) {
    buckets = Math.floor(buckets / 2);
    base = rel > 0 ? buckets : 0;
    n = Math.abs(rel);
  } else {
    n = -Math.min(rel, 0);
  }
  const maxExact = Math.floor(buckets / 2);
  if (n < maxExact) return base + n;
  // torch: max_exact + (log(n.float() / max_exact) / math.log(max_dist / max_exact) * (buckets - max_exact)).long()
  const ratio = f32(f32(n) / maxExact);
  const scaled = f32(f32(f32(Math.log(ratio)) / f32(Math.log(spec.maxDistance / maxExact))) * (buckets - maxExact));
  return base + Math.min(maxExact + Math.trunc(scaled), buckets - 1);
}

/**
 * The bucket index for every (query i, key j) pair of a length-`len` sequence,
 * row-major [len, len], as int32 (a Gather index into the [buckets, heads] table).
 */
export function bucketGrid(len: number, spec: BucketSpec): Int32Array {
  if (spec.numBuckets < 2 || !Number.isInteger(spec.numBuckets)) {
    throw new ShapeError(`relative-position table: num_buckets must be an integer >= 2, got ${spec.numBuckets}`);
  }
  const byOffset = new Int32Array(2 * len - 1);
  for (let r = -(len - 1); r < len; r++) byOffset[r + len - 1] = relativePositionBucket(r, spec);
  const out = new Int32Array(len * len);
  for (let i = 0; i < len; i++) {
    for (let j = 0; j < len; j++) out[i * len + j] = byOffset[j - i + len - 1];
  }
  return out;
}
