// Copying strided views (as torch stores transposes, slices and expands) into
// dense row-major buffers, and fixing byte order. Works on raw bytes so one
// routine serves every dtype.

/** Elements spanned by a view: 1 + Σ (size_i − 1)·stride_i (0 for an empty view). */
export function stridedExtent(shape: readonly number[], stride: readonly number[]): number {
  let extent = 1;
  for (let i = 0; i < shape.length; i++) {
    if (shape[i] === 0) return 0;
    extent += (shape[i] - 1) * stride[i];
  }
  return extent;
}

/** True when the view is plain row-major (dimensions of size 1 may have any stride). */
export function isContiguous(shape: readonly number[], stride: readonly number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] !== 1 && stride[i] !== expected) return false;
    expected *= shape[i];
  }
  return true;
}

/**
 * Gathers a strided view out of `src` (whose element 0 is the view's first
 * element) into a new dense buffer. Runs along the last dimension are copied
 * as one block when its stride is 1.
 */
export function gatherStrided(
  src: Uint8Array,
  elementBytes: number,
  shape: readonly number[],
  stride: readonly number[],
): Uint8Array {
  let count = 1;
  for (const d of shape) count *= d;
  const out = new Uint8Array(count * elementBytes);
  if (count === 0) return out;
  const rank = shape.length;
  if (rank === 0) {
    out.set(src.subarray(0, elementBytes));
    return out;
  }
  const inner = shape[rank - 1];
  const innerStride = stride[rank - 1];
  const runBytes = inner * elementBytes;
  const copyRun = strideCopier(src, out, elementBytes);
  const index = new Array<number>(rank - 1).fill(0);
  let srcBase = 0;
  for (let dst = 0; dst < out.byteLength; dst += runBytes) {
    if (innerStride === 1) {
      const from = srcBase * elementBytes;
      out.set(src.subarray(from, from + runBytes), dst);
    } else {
      copyRun(srcBase, innerStride, dst / elementBytes, inner);
    }
    // Odometer over the outer dimensions.
    for (let d = rank - 2; d >= 0; d--) {
      index[d]++;
      srcBase += stride[d];
      if (index[d] < shape[d]) break;
      srcBase -= index[d] * stride[d];
      index[d] = 0;
    }
  }
  return out;
}

/**
 * Copies `count` elements from `src[start + j·step]` to `out[at + j]` (indices in
 * elements) through word-sized views, which is far faster than per-element
 * byte copies. Whole words are copied, so NaN payloads survive.
 */
function strideCopier(
  src: Uint8Array,
  out: Uint8Array,
  elementBytes: number,
): (start: number, step: number, at: number, count: number) => void {
  const aligned = src.byteOffset % 4 === 0 && out.byteOffset % 4 === 0;
  const words = elementBytes === 8 ? 2 : 1;
  const make = (a: Uint8Array) => {
    if (elementBytes === 2 && a.byteOffset % 2 === 0) return new Uint16Array(a.buffer, a.byteOffset, a.byteLength / 2);
    if ((elementBytes === 4 || elementBytes === 8) && aligned)
      return new Uint32Array(a.buffer, a.byteOffset, a.byteLength / 4);
    return undefined;
  };
  const s = elementBytes === 1 ? src : make(src);
  const o = elementBytes === 1 ? out : make(out);
  if (s && o) {
    return (start, step, at, count) => {
      for (let j = 0; j < count; j++) {
        const from = (start + j * step) * words;
        const to = (at + j) * words;
        o[to] = s[from];
        if (words === 2) o[to + 1] = s[from + 1];
      }
    };
  }
  return (start, step, at, count) => {
    for (let j = 0; j < count; j++) {
      const from = (start + j * step) * elementBytes;
      out.set(src.subarray(from, from + elementBytes), (at + j) * elementBytes);
    }
  };
}

/** Reverses the byte order of every element in place (big-endian archives). */
export function swapBytes(bytes: Uint8Array, elementBytes: number): void {
  if (elementBytes === 1) return;
  for (let i = 0; i + elementBytes <= bytes.byteLength; i += elementBytes) {
    for (let a = i, b = i + elementBytes - 1; a < b; a++, b--) {
      const t = bytes[a];
      bytes[a] = bytes[b];
      bytes[b] = t;
    }
  }
}
