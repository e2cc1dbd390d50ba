// Concrete tensors in host memory: what goes into and comes out of a session,
// and what checkpoints are read into. Row-major, PyTorch layout.
import { DTYPE_BYTES, type DType, type DTypeStorage, halfToFloat32, type TypedArray } from './dtype.js';
import { ShapeError } from './errors.js';

export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** A dense host tensor. `data` is never copied by the constructor. */
export class HostTensor<D extends DType = DType> {
  readonly dtype: D;
  readonly shape: readonly number[];
  readonly data: DTypeStorage[D];

  constructor(dtype: D, shape: readonly number[], data: DTypeStorage[D]) {
    if (data.length !== numel(shape)) {
      throw new ShapeError(
        `HostTensor: ${dtype} data has ${data.length} elements, shape ${shapeText(shape)} needs ${numel(shape)}`,
      );
    }
    this.dtype = dtype;
    this.shape = [...shape];
    this.data = data;
  }

  get size(): number {
    return this.data.length;
  }

  get byteLength(): number {
    return this.data.length * DTYPE_BYTES[this.dtype];
  }

  /** Same data, new shape (no copy). */
  reshape(shape: readonly number[]): HostTensor<D> {
    return new HostTensor(this.dtype, shape, this.data);
  }

  static zeros(shape: readonly number[]): HostTensor<'float32'> {
    return new HostTensor('float32', shape, new Float32Array(numel(shape)));
  }

  static f32(shape: readonly number[], data: Float32Array | readonly number[]): HostTensor<'float32'> {
    return new HostTensor('float32', shape, data instanceof Float32Array ? data : Float32Array.from(data));
  }

  static i64(shape: readonly number[], data: readonly (number | bigint)[]): HostTensor<'int64'> {
    return new HostTensor(
      'int64',
      shape,
      BigInt64Array.from(data, (v) => BigInt(v)),
    );
  }
}

/** Allocates zeroed storage for a dtype. */
export function allocStorage<D extends DType>(dtype: D, n: number): DTypeStorage[D] {
  const make: { [K in DType]: (n: number) => DTypeStorage[K] } = {
    float32: (k) => new Float32Array(k),
    float16: (k) => new Uint16Array(k),
    bfloat16: (k) => new Uint16Array(k),
    float64: (k) => new Float64Array(k),
    int64: (k) => new BigInt64Array(k),
    int32: (k) => new Int32Array(k),
    int16: (k) => new Int16Array(k),
    int8: (k) => new Int8Array(k),
    uint8: (k) => new Uint8Array(k),
    bool: (k) => new Uint8Array(k),
  };
  return make[dtype](n);
}

/** Views raw little-endian bytes as a typed array of `dtype` (copies only if misaligned). */
export function viewBytes<D extends DType>(dtype: D, bytes: Uint8Array): DTypeStorage[D] {
  const size = DTYPE_BYTES[dtype];
  const n = bytes.byteLength / size;
  const aligned = bytes.byteOffset % size === 0 ? bytes : bytes.slice();
  const b = aligned.buffer;
  const o = aligned.byteOffset;
  const views: { [K in DType]: () => DTypeStorage[K] } = {
    float32: () => new Float32Array(b, o, n),
    float16: () => new Uint16Array(b, o, n),
    bfloat16: () => new Uint16Array(b, o, n),
    float64: () => new Float64Array(b, o, n),
    int64: () => new BigInt64Array(b, o, n),
    int32: () => new Int32Array(b, o, n),
    int16: () => new Int16Array(b, o, n),
    int8: () => new Int8Array(b, o, n),
    uint8: () => new Uint8Array(b, o, n),
    bool: () => new Uint8Array(b, o, n),
  };
  return views[dtype]();
}

/** Any floating or integer tensor as float32 values (copies unless already float32). */
export function toFloat32(t: HostTensor): HostTensor<'float32'> {
  if (t.dtype === 'float32') return t as HostTensor<'float32'>;
  const d: TypedArray = t.data;
  let out: Float32Array;
  if (t.dtype === 'float16' || t.dtype === 'bfloat16') out = halfToFloat32(d as Uint16Array, t.dtype);
  else if (d instanceof BigInt64Array) out = Float32Array.from(d, (v) => Number(v));
  else out = Float32Array.from(d as ArrayLike<number>);
  return new HostTensor('float32', t.shape, out);
}

/** Any tensor as a plain float64 array (for comparisons and scalar maths). */
export function toFloat64Array(t: HostTensor): Float64Array {
  const d: TypedArray = t.data;
  if (t.dtype === 'float16' || t.dtype === 'bfloat16')
    return Float64Array.from(halfToFloat32(d as Uint16Array, t.dtype));
  if (d instanceof BigInt64Array) return Float64Array.from(d, (v) => Number(v));
  return Float64Array.from(d as ArrayLike<number>);
}
