// Just enough of the protobuf wire format to serialise a SentencePiece
// ModelProto: varints (int32 sign-extended to 64 bits, as protobuf does),
// float32 fields, strings and nested messages.

/** Appends protobuf fields to a growing byte buffer. */
export class ProtoWriter {
  readonly #out: number[] = [];

  /** The bytes written so far. */
  bytes(): Uint8Array {
    return Uint8Array.from(this.#out);
  }

  #raw(v: bigint): void {
    let x = v;
    while (x >= 0x80n) {
      this.#out.push(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    this.#out.push(Number(x));
  }

  #key(field: number, wire: number): void {
    this.#raw(BigInt(field * 8 + wire));
  }

  /** A varint field (int32, bool or enum). */
  varint(field: number, v: number): void {
    this.#key(field, 0);
    this.#raw(BigInt.asUintN(64, BigInt(v)));
  }

  /** A float32 field (wire type 5). */
  float(field: number, v: number): void {
    this.#key(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.#out.push(...b);
  }

  /** A length-delimited field holding raw bytes. */
  lengthDelimited(field: number, b: Uint8Array): void {
    this.#key(field, 2);
    this.#raw(BigInt(b.byteLength));
    this.#out.push(...b);
  }

  /** A UTF-8 string field. */
  string(field: number, s: string): void {
    this.lengthDelimited(field, new TextEncoder().encode(s));
  }

  /** A nested message field. */
  message(field: number, m: ProtoWriter): void {
    this.lengthDelimited(field, m.bytes());
  }
}
