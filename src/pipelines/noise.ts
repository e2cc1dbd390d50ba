// Seeded Gaussian noise that is bit-identical on every OS, CPU and backend.
//
// Generator: Philox4x32-10 (counter-based, the generator family PyTorch uses on
// CUDA) keyed by the 64-bit seed, counter = element index / 4; each 32-bit output
// becomes a uniform (u + 0.5)/2^32 in (0, 1), and pairs go through Box–Muller.
// Only integer arithmetic and V8's software Math.log/cos/sin (fdlibm ports, the
// same on every platform) are involved, so the bits never depend on the machine.
// Note: the official pipelines draw their noise from a CUDA generator, which no
// CPU implementation reproduces; parity tests therefore feed the recorded noise.

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/** Exact 32×32 → 64-bit product as [hi, lo], with 16-bit limbs so every step is exact in doubles. */
function mulhilo(a: number, b: number): [number, number] {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const m1 = a1 * b0;
  const m2 = a0 * b1;
  const mid = (m1 % 65536) * 65536 + (m2 % 65536) * 65536 + a0 * b0;
  const hi = a1 * b1 + Math.floor(m1 / 65536) + Math.floor(m2 / 65536) + Math.floor(mid / 4294967296);
  return [hi >>> 0, (mid % 4294967296) >>> 0];
}

/** One Philox4x32-10 block for counter (c0..c3) and key (k0, k1). */
export function philox4x32(
  c: readonly [number, number, number, number],
  k0: number,
  k1: number,
): [number, number, number, number] {
  let [x0, x1, x2, x3] = c;
  for (let r = 0; r < 10; r++) {
    const [hi0, lo0] = mulhilo(M0, x0);
    const [hi1, lo1] = mulhilo(M1, x2);
    [x0, x1, x2, x3] = [(hi1 ^ x1 ^ k0) >>> 0, lo1, (hi0 ^ x3 ^ k1) >>> 0, lo0];
    k0 = (k0 + W0) >>> 0;
    k1 = (k1 + W1) >>> 0;
  }
  return [x0, x1, x2, x3];
}

/** `n` standard normals for `seed` (an integer in [0, 2^53)). */
export function gaussianNoise(seed: number, n: number): Float32Array {
  if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`seed must be a non-negative integer, got ${seed}`);
  const k0 = (seed % 4294967296) >>> 0;
  const k1 = Math.floor(seed / 4294967296) >>> 0;
  const out = new Float32Array(n);
  for (let i = 0, block = 0; i < n; block++) {
    const r = philox4x32([block >>> 0, Math.floor(block / 4294967296) >>> 0, 0, 0], k0, k1);
    for (let j = 0; j < 4 && i < n; j += 2) {
      const u1 = (r[j] + 0.5) / 4294967296;
      const u2 = (r[j + 1] + 0.5) / 4294967296;
      const rad = Math.sqrt(-2 * Math.log(u1));
      const a = 2 * Math.PI * u2;
      out[i++] = rad * Math.cos(a);
      if (i < n) out[i++] = rad * Math.sin(a);
    }
  }
  return out;
}
