// The trainer's random stream (noise, timesteps, data order): xoshiro128** with
// a state that serialises to JSON, so a checkpoint restores it exactly and a
// resumed run draws the same numbers as an uninterrupted one.
import { InputError } from '../engine/errors.js';

export interface RngState {
  /** Four 32-bit words. */
  readonly s: readonly [number, number, number, number];
  /** The second Box–Muller normal, kept for the next call (null when none). */
  readonly spare: number | null;
}

export class TrainRng {
  #s: Uint32Array;
  #spare: number | null = null;

  /** Seeds through splitmix32 so nearby seeds give unrelated streams. */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) throw new InputError(`rng: seed must be an integer, got ${seed}`);
    let x = (seed ^ Math.floor(seed / 4294967296) ^ 0x9e3779b9) >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.#s = Uint32Array.of(next(), next(), next(), next());
    if (this.#s.every((v) => v === 0)) this.#s[0] = 1;
  }

  static fromState(state: RngState): TrainRng {
    const r = new TrainRng(0);
    if (
      !Array.isArray(state.s) ||
      state.s.length !== 4 ||
      state.s.some((v) => !Number.isInteger(v) || v < 0 || v > 0xffffffff)
    ) {
      throw new InputError(`rng: invalid saved state ${JSON.stringify(state)}`);
    }
    r.#s = Uint32Array.from(state.s);
    r.#spare = state.spare;
    return r;
  }

  state(): RngState {
    return { s: [this.#s[0], this.#s[1], this.#s[2], this.#s[3]], spare: this.#spare };
  }

  /** Next 32-bit unsigned integer. */
  u32(): number {
    const s = this.#s;
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform in (0, 1): never exactly 0 or 1. */
  uniform(): number {
    return (this.u32() + 0.5) / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1) throw new InputError(`rng.int: n must be a positive integer, got ${n}`);
    const limit = 4294967296 - (4294967296 % n);
    let v = this.u32();
    while (v >= limit) v = this.u32();
    return v % n;
  }

  /** Standard normal (Box–Muller, both values used). */
  normal(): number {
    if (this.#spare !== null) {
      const v = this.#spare;
      this.#spare = null;
      return v;
    }
    const r = Math.sqrt(-2 * Math.log(this.uniform()));
    const a = 2 * Math.PI * this.uniform();
    this.#spare = r * Math.sin(a);
    return r * Math.cos(a);
  }

  /** A Float32Array of standard normals. */
  normals(n: number): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.normal();
    return out;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
