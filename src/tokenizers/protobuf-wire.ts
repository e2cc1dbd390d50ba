// A minimal protobuf wire-format reader: enough for SentencePiece's ModelProto (proto2, no packed
// fields). Errors are plain `RangeError`s; the model parser turns them into a CheckpointError that
// names the file.

/** Protobuf wire types (https://protobuf.dev/programming-guides/encoding/). */
export const WireType = { VARINT: 0, I64: 1, LEN: 2, SGROUP: 3, EGROUP: 4, I32: 5 } as const;

/** Sequential reader over one serialized message. */
export class WireReader {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  #pos = 0;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** True once every byte has been consumed. */
  get done(): boolean {
    return this.#pos >= this.#bytes.length;
  }

  /** Reads a field key; returns the field number and wire type. */
  key(): { field: number; wire: number } {
    const { lo, hi } = this.varint();
    // Field numbers go up to 2^29 - 1, so they live in the low 32 bits (plus 3 bits of hi never used).
    if (hi !== 0) throw new RangeError(`field key too large at byte ${this.#pos}`);
    return { field: lo >>> 3, wire: lo & 7 };
  }

  /** Reads a varint as two unsigned 32-bit halves (a negative int32 is sent as 10 bytes). */
  varint(): { lo: number; hi: number } {
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      if (this.#pos >= this.#bytes.length) throw new RangeError('truncated varint');
      const b = this.#bytes[this.#pos++];
      const bits = b & 0x7f;
      if (i < 4) lo |= bits << (7 * i);
      else if (i === 4) {
        lo |= (bits & 0x0f) << 28;
        hi |= bits >>> 4;
      } else hi |= bits << (7 * i - 32);
      if (b < 0x80) return { lo: lo >>> 0, hi: hi >>> 0 };
    }
    throw new RangeError('varint longer than 10 bytes');
  }

  /** An int32 / enum field: the low 32 bits, two's complement. */
  int32(): number {
    return this.varint().lo | 0;
  }

  /** A bool field. */
  bool(): boolean {
    const { lo, hi } = this.varint();
    return lo !== 0 || hi !== 0;
  }

  /** A float field (wire type I32), exactly as stored. */
  float32(): number {
    this.#need(4);
    const v = this.#view.getFloat32(this.#pos, true);
    this.#pos += 4;
    return v;
  }

  /** A length-delimited field (bytes, string or sub-message); a view, not a copy. */
  bytes(): Uint8Array {
    const { lo, hi } = this.varint();
    if (hi !== 0) throw new RangeError('length-delimited field larger than 4 GiB');
    this.#need(lo);
    const out = this.#bytes.subarray(this.#pos, this.#pos + lo);
    this.#pos += lo;
    return out;
  }

  /** Skips a field of the given wire type. */
  skip(wire: number): void {
    if (wire === WireType.VARINT) this.varint();
    else if (wire === WireType.I64) this.#advance(8);
    else if (wire === WireType.LEN) this.bytes();
    else if (wire === WireType.I32) this.#advance(4);
    else if (wire === WireType.SGROUP) {
      for (;;) {
        const k = this.key();
        if (k.wire === WireType.EGROUP) return;
        this.skip(k.wire);
      }
    } else throw new RangeError(`unsupported wire type ${wire}`);
  }

  #advance(n: number): void {
    this.#need(n);
    this.#pos += n;
  }

  #need(n: number): void {
    if (this.#pos + n > this.#bytes.length) {
      throw new RangeError(`field needs ${n} bytes at byte ${this.#pos}, only ${this.#bytes.length - this.#pos} left`);
    }
  }
}
