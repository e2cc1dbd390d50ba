// Int8 forms of float32 Linear weights for the opt-in dynamically quantized GEMMs.
// They are derived once from the loaded (official) weights and fed next to them
// under derived names, so checkpoints and bindings keep the official keys.
import { readFileSync } from 'node:fs';
import { arch } from 'node:os';
import { WanError } from '../errors.js';
import { HostTensor, shapeText, toFloat32 } from '../host-tensor.js';

const INT8 = ':int8';
const SCALE = ':int8_scale';

/** Graph parameter names of the int8 form of the Linear weight named `base`. */
export function int8WeightNames(base: string): { readonly q: string; readonly scale: string } {
  return { q: `${base}${INT8}`, scale: `${base}${SCALE}` };
}

/**
 * Symmetric per-output-channel quantization of a torch Linear weight [out, in]:
 * q [in, out] int8 (transposed for the [M, K]·[K, N] kernel) and scale [out] with
 * w ≈ q·scale, |q| <= maxQ.
 */
export function quantizeLinearInt8(
  name: string,
  w: HostTensor,
  maxQ: number,
): { q: HostTensor<'int8'>; scale: HostTensor<'float32'> } {
  if (w.shape.length !== 2)
    throw new WanError('E_WEIGHTS', `int8 weight '${name}': expected [out, in], got ${shapeText(w.shape)}`);
  const [out, inF] = w.shape;
  const src = toFloat32(w).data;
  const q = new Int8Array(out * inF);
  const scale = new Float32Array(out);
  const inv = new Float32Array(out);
  for (let o = 0; o < out; o++) {
    let m = 0;
    for (let i = o * inF, end = i + inF; i < end; i++) m = Math.max(m, Math.abs(src[i]));
    scale[o] = m > 0 ? m / maxQ : 1;
    inv[o] = 1 / scale[o];
  }
  // Transposing tile by tile keeps both sides in cache (a plain strided write is ~20x slower).
  const T = 64;
  for (let o0 = 0; o0 < out; o0 += T) {
    const o1 = Math.min(o0 + T, out);
    for (let i0 = 0; i0 < inF; i0 += T) {
      const i1 = Math.min(i0 + T, inF);
      for (let o = o0; o < o1; o++) {
        const r = inv[o];
        for (let i = i0; i < i1; i++) q[i * out + o] = Math.round(src[o * inF + i] * r);
      }
    }
  }
  return { q: new HostTensor('int8', [inF, out], q), scale: HostTensor.f32([out], scale) };
}

/**
 * The int8 tensors a graph declares (parameters named by `int8WeightNames`),
 * quantized from the float32 weight of the same base name.
 */
export function deriveInt8Weights(
  declared: ReadonlyMap<string, readonly number[]>,
  weights: ReadonlyMap<string, HostTensor>,
  maxQ = int8WeightRange(),
): Map<string, HostTensor> {
  const out = new Map<string, HostTensor>();
  for (const name of declared.keys()) {
    if (!name.endsWith(INT8)) continue;
    const base = name.slice(0, -INT8.length);
    const w = weights.get(base);
    if (!w) throw new WanError('E_WEIGHTS', `int8 weight '${name}': no float32 weight '${base}' to quantize`);
    const { q, scale } = quantizeLinearInt8(base, w, maxQ);
    const names = int8WeightNames(base);
    out.set(names.q, q);
    out.set(names.scale, scale);
  }
  return out;
}

/**
 * Largest weight magnitude the CPU's u8·s8 GEMM takes without saturating: x86
 * cores without VNNI add u8·s8 pairs into int16 (VPMADDUBSW), which overflows for
 * 255·127·2, so weights keep 7 bits there; VNNI and ARM dot products do not.
 */
export function int8WeightRange(): number {
  if (arch() !== 'x64') return 127;
  try {
    const flags = readFileSync('/proc/cpuinfo', 'utf8');
    return /\b(avx512_vnni|avx_vnni)\b/.test(flags) ? 127 : 63;
  } catch {
    return 63;
  }
}
