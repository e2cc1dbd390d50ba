// Seeded pseudo-random numbers for the shapes world.
//
// Generator: xoshiro128** (Blackman & Vigna), 128 bits of state, 32-bit output, period 2^128 - 1.
// Seeding: the seed (a number or a string) becomes a text key; the key is hashed with cyrb128 (four
// 32-bit lanes) and the lanes are run through splitmix32 so that nearby keys give unrelated states.
// Forking: `fork(label)` derives a child from the parent's *key* and the label ("<key>/<label>"), not
// from the parent's current state, so a child stream does not depend on how many numbers the parent
// has drawn. Sample i of a data set is therefore reachable without drawing samples 0..i-1, and adding
// a draw in one place never shifts the numbers another stream sees.
import { InputError } from '../engine/errors.js';

/** A deterministic random stream. Never shared between unrelated consumers: fork instead. */
export interface Rng {
  /** The text key this stream was seeded from (e.g. "42/train/sample:7"). */
  readonly key: string;
  /** Next raw 32-bit unsigned integer. */
  nextU32(): number;
  /** Uniform float in [0, 1) with 32 bits of resolution. */
  next(): number;
  /** Uniform float in [lo, hi). */
  range(lo: number, hi: number): number;
  /** Uniform integer in [0, n), without modulo bias. */
  int(n: number): number;
  /** true with probability p. */
  bool(p?: number): boolean;
  /** A uniformly chosen element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
  /** Standard normal deviate (Box-Muller). */
  normal(): number;
  /** An independent child stream named by `label`; see the file comment. */
  fork(label: string | number): Rng;
}

/** Creates a stream from a seed; the same seed always gives the same numbers on every platform. */
export function createRng(seed: number | string): Rng {
  if (typeof seed === 'number' && !Number.isFinite(seed)) {
    throw new InputError(`createRng: seed must be a finite number or a string, found ${seed}`);
  }
  return new Xoshiro128(String(seed));
}

/** cyrb128: a fast string hash with four 32-bit lanes; only used to turn keys into seeds. */
function cyrb128(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

function splitmix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  let z = x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** One xoshiro128** step: advances the four-word `state` in place and returns the output word. */
export function xoshiro128ssNext(state: Uint32Array): number {
  const s1 = state[1];
  const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
  const t = s1 << 9;
  state[2] ^= state[0];
  state[3] ^= state[1];
  state[1] ^= state[2];
  state[0] ^= state[3];
  state[2] ^= t;
  state[3] = rotl(state[3], 11);
  return result;
}

class Xoshiro128 implements Rng {
  readonly key: string;
  private readonly state = new Uint32Array(4);
  private spare: number | undefined;

  constructor(key: string) {
    this.key = key;
    const [a, b, c, d] = cyrb128(key);
    const s = this.state;
    s[0] = splitmix32(a);
    s[1] = splitmix32(b ^ s[0]);
    s[2] = splitmix32(c ^ s[1]);
    s[3] = splitmix32(d ^ s[2]);
    // The all-zero state is the one fixed point of xoshiro; it cannot come out of splitmix in
    // practice, but a guard costs nothing.
    if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1;
  }

  nextU32(): number {
    return xoshiro128ssNext(this.state);
  }

  next(): number {
    return this.nextU32() / 4294967296;
  }

  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 4294967296) {
      throw new InputError(`Rng.int: n must be an integer in [1, 2^32], found ${n}`);
    }
    // Rejection sampling: drop the top sliver of the 32-bit range that would bias small values.
    const limit = 4294967296 - (4294967296 % n);
    for (;;) {
      const x = this.nextU32();
      if (x < limit) return x % n;
    }
  }

  bool(p = 0.5): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new InputError('Rng.pick: cannot pick from an empty list');
    return items[this.int(items.length)];
  }

  normal(): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return s;
    }
    // 1 - next() is in (0, 1], so the logarithm is finite.
    const u = 1 - this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  fork(label: string | number): Rng {
    return new Xoshiro128(`${this.key}/${label}`);
  }
}
