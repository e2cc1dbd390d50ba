// Read-only Darts-clone double-array trie, the format SentencePiece stores its precompiled
// normalisation rules in (third_party/darts_clone/darts.h). Each unit is a little-endian uint32:
//   bit 31 + bits 0..7  label (value units have bit 31 set, so they never match a byte)
//   bit 8               has_leaf: the node terminates a key; its value is at node ^ offset
//   bits 10..31 (<< 8 if bit 9) offset to the children
// Only commonPrefixSearch is implemented, as the normaliser uses nothing else.

/** A Darts-clone double array over bytes. */
export class DoubleArray {
  readonly #units: Uint32Array;

  constructor(units: Uint32Array) {
    this.#units = units;
  }

  /** Wraps `bytes` (a little-endian unit array, length a multiple of 4). */
  static fromBytes(bytes: Uint8Array): DoubleArray {
    const n = bytes.length >>> 2;
    const units = new Uint32Array(n);
    const view = new DataView(bytes.buffer, bytes.byteOffset, n * 4);
    for (let i = 0; i < n; i++) units[i] = view.getUint32(i * 4, true);
    return new DoubleArray(units);
  }

  /**
   * The longest key that is a prefix of key[begin, end): its length in bytes and its value,
   * or length 0 when no key matches. Darts reports matches shortest first; the last one wins.
   */
  longestPrefix(key: Uint8Array, begin: number, end: number): { length: number; value: number } {
    const units = this.#units;
    let length = 0;
    let value = 0;
    if (units.length === 0) return { length, value };
    let node = offsetOf(units[0]);
    for (let i = begin; i < end; i++) {
      const c = key[i];
      node ^= c;
      if (node >= units.length) break;
      const unit = units[node];
      if ((unit & 0x800000ff) !== c) break;
      node ^= offsetOf(unit);
      if ((unit >>> 8) & 1) {
        if (node >= units.length) break;
        length = i + 1 - begin;
        value = units[node] & 0x7fffffff;
      }
    }
    return { length, value };
  }
}

function offsetOf(unit: number): number {
  return (unit >>> 10) << ((unit & 0x200) >>> 6);
}
