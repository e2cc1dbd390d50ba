// Deterministic random weights for benchmarks, scaled like the reference oracle:
// Linear/Conv N(0, 1/fan_in), norm weights 1 + 0.1N, biases 0.05N.
import { HostTensor, numel } from '../engine/host-tensor.js';

/** xorshift128+ driven Box–Muller normals: fast, seeded, portable. */
export class NormalStream {
  #s0: bigint;
  #s1: bigint;
  #spare: number | undefined;

  constructor(seed: number) {
    this.#s0 = BigInt.asUintN(64, BigInt(seed) * 0x9e3779b97f4a7c15n + 1n);
    this.#s1 = BigInt.asUintN(64, this.#s0 ^ 0xbf58476d1ce4e5b9n);
  }

  #u32(): number {
    let x = this.#s0;
    const y = this.#s1;
    this.#s0 = y;
    x = BigInt.asUintN(64, x ^ (x << 23n));
    this.#s1 = x ^ y ^ (x >> 17n) ^ (y >> 26n);
    return Number(BigInt.asUintN(32, this.#s1 + y));
  }

  uniform(): number {
    return (this.#u32() + 0.5) / 4294967296;
  }

  normal(): number {
    if (this.#spare !== undefined) {
      const s = this.#spare;
      this.#spare = undefined;
      return s;
    }
    const r = Math.sqrt(-2 * Math.log(this.uniform()));
    const a = 2 * Math.PI * this.uniform();
    this.#spare = r * Math.sin(a);
    return r * Math.cos(a);
  }
}

/**
 * Fills a tensor quickly: a block of normals is generated once and reused with a
 * per-tensor rotation, which keeps multi-GB models fast to build yet non-degenerate.
 */
export function randomWeights(declared: ReadonlyMap<string, readonly number[]>, seed = 0): Map<string, HostTensor> {
  const rng = new NormalStream(seed);
  const block = Float32Array.from({ length: 1 << 20 }, () => rng.normal());
  const out = new Map<string, HostTensor>();
  let rot = 0;
  for (const [name, shape] of declared) {
    const n = numel(shape);
    const data = new Float32Array(n);
    const isBias = name.endsWith('.bias');
    const isNorm = /norm|gamma/.test(name) && !isBias;
    const fanIn = shape.length >= 2 ? numel(shape.slice(1)) : shape[0];
    const scale = isBias
      ? 0.05
      : isNorm
        ? 0.1
        : name.endsWith('modulation')
          ? 1 / Math.sqrt(shape[shape.length - 1])
          : 1 / Math.sqrt(fanIn);
    const offset = isNorm ? 1 : 0;
    rot = (rot + 7919) % block.length;
    for (let i = 0; i < n; i++) data[i] = offset + scale * block[(i + rot) % block.length];
    out.set(name, HostTensor.f32(shape, data));
  }
  return out;
}
