import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gatherStrided, isContiguous, stridedExtent, swapBytes } from '../../src/engine/weights/strided.js';

/** Reference: element-by-element gather via explicit multi-indices. */
function naive(src: Uint8Array, size: number, shape: number[], stride: number[]): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  const out = new Uint8Array(count * size);
  for (let flat = 0; flat < count; flat++) {
    let rem = flat;
    let off = 0;
    for (let d = shape.length - 1; d >= 0; d--) {
      off += (rem % shape[d]) * stride[d];
      rem = Math.floor(rem / shape[d]);
    }
    out.set(src.subarray(off * size, off * size + size), flat * size);
  }
  return out;
}

describe('strided views', () => {
  const views: [number[], number[]][] = [
    [
      [4, 6],
      [1, 4],
    ],
    [
      [3, 4],
      [0, 1],
    ],
    [
      [2, 3, 4],
      [1, 2, 6],
    ],
    [
      [2, 2],
      [12, 3],
    ],
    [[5], [3]],
    [
      [3, 1, 2],
      [2, 7, 1],
    ],
    [[], []],
  ];
  for (const size of [1, 2, 4, 8]) {
    it(`gathers ${size}-byte elements like the reference, aligned or not`, () => {
      for (const [shape, stride] of views) {
        const extent = stridedExtent(shape, stride);
        for (const shift of [0, 1]) {
          const backing = Uint8Array.from({ length: extent * size + shift }, (_, i) => (i * 29 + 7) & 0xff);
          const src = backing.subarray(shift);
          assert.deepEqual(
            gatherStrided(src, size, shape, stride),
            naive(src, size, shape, stride),
            `${shape}/${stride}`,
          );
        }
      }
    });
  }

  it('measures extent and contiguity', () => {
    assert.equal(stridedExtent([4, 6], [1, 4]), 24);
    assert.equal(stridedExtent([3, 4], [0, 1]), 4);
    assert.equal(stridedExtent([0, 4], [4, 1]), 0);
    assert.equal(stridedExtent([], []), 1);
    assert.ok(isContiguous([2, 3], [3, 1]));
    assert.ok(isContiguous([2, 1, 3], [3, 99, 1]));
    assert.ok(!isContiguous([3, 2], [1, 3]));
    assert.ok(!isContiguous([3, 4], [0, 1]));
  });

  it('swaps byte order per element', () => {
    const b = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    swapBytes(b, 4);
    assert.deepEqual(Array.from(b), [4, 3, 2, 1, 8, 7, 6, 5]);
    swapBytes(b, 8);
    assert.deepEqual(Array.from(b), [5, 6, 7, 8, 1, 2, 3, 4]);
  });
});
