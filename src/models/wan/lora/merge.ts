// Merging LoRAs into a weight map: W' = W + Σ strength·(alpha/rank)·B·A (+ strength·diff).
// For Wan2.2 A14B the caller merges into each expert's weight map separately.
import { f32ToBf16, f32ToF16, halfToFloat32 } from '../../../engine/dtype.js';
import { WanError } from '../../../engine/errors.js';
import { HostTensor, shapeText } from '../../../engine/host-tensor.js';
import type { Weights } from '../../../engine/program.js';
import { type LoraIssue, type LoraUse, loraRank, loraScale } from './types.js';

export interface MergeResult {
  /** A new map: changed weights are new tensors (same dtype as the base), the rest shared. */
  readonly weights: Map<string, HostTensor>;
  /** Weight names that were changed. */
  readonly applied: readonly string[];
  /** Adapters that were not applied (module missing from the base, shape mismatch), per LoRA. */
  readonly issues: readonly LoraIssue[];
}

function asF32(t: HostTensor): Float32Array {
  if (t.dtype === 'float32') return (t.data as Float32Array).slice();
  if (t.dtype === 'bfloat16' || t.dtype === 'float16') return halfToFloat32(t.data as Uint16Array, t.dtype);
  if (t.dtype === 'float64') return Float32Array.from(t.data as Float64Array);
  throw new WanError(
    'E_DTYPE',
    `LoRA merge: cannot merge into a ${t.dtype} weight (float32, float64, bfloat16, float16 only)`,
  );
}

function like(base: HostTensor, v: Float32Array): HostTensor {
  if (base.dtype === 'bfloat16')
    return new HostTensor(
      'bfloat16',
      base.shape,
      Uint16Array.from(v, (x) => f32ToBf16(x)),
    );
  if (base.dtype === 'float16')
    return new HostTensor(
      'float16',
      base.shape,
      Uint16Array.from(v, (x) => f32ToF16(x)),
    );
  if (base.dtype === 'float64') return new HostTensor('float64', base.shape, Float64Array.from(v));
  return new HostTensor('float32', base.shape, v);
}

/**
 * Applies LoRAs to `base` (official weight names, e.g. `blocks.0.self_attn.q.weight`).
 * The update B·A is accumulated in float64 per element, then added in float32.
 */
export function mergeLoras(base: Weights, loras: readonly LoraUse[]): MergeResult {
  const acc = new Map<string, Float32Array>();
  const issues: LoraIssue[] = [];
  const get = (name: string): Float32Array | undefined => {
    let a = acc.get(name);
    if (!a) {
      const t = base.get(name);
      if (!t) return undefined;
      a = asF32(t);
      acc.set(name, a);
    }
    return a;
  };
  loras.forEach((use, li) => {
    const tag = use.name ?? `lora ${li}`;
    for (const [m, mod] of use.lora.modules) {
      const name = `${m}.weight`;
      const w = base.get(name);
      const [out, r] = mod.up.shape;
      const inF = mod.down.shape[1];
      if (!w) {
        issues.push({ key: `${tag}: ${m}`, reason: `the model has no weight '${name}'` });
        continue;
      }
      if (w.shape.length !== 2 || w.shape[0] !== out || w.shape[1] !== inF) {
        issues.push({
          key: `${tag}: ${m}`,
          reason: `adapter is ${out}×${inF} (rank ${loraRank(mod)}) but '${name}' is ${shapeText(w.shape)}`,
        });
        continue;
      }
      const dst = get(name) as Float32Array;
      const s = use.strength * loraScale(mod);
      const A = mod.down.data as Float32Array;
      const B = mod.up.data as Float32Array;
      const row = new Float64Array(inF);
      for (let o = 0; o < out; o++) {
        row.fill(0);
        for (let k = 0; k < r; k++) {
          const b = B[o * r + k];
          if (b === 0) continue;
          const off = k * inF;
          for (let i = 0; i < inF; i++) row[i] += b * A[off + i];
        }
        const off = o * inF;
        for (let i = 0; i < inF; i++) dst[off + i] += s * row[i];
      }
    }
    for (const [name, d] of use.lora.diffs) {
      const w = base.get(name);
      if (!w || shapeText(w.shape) !== shapeText(d.shape)) {
        issues.push({
          key: `${tag}: ${name} (diff)`,
          reason: w
            ? `delta ${shapeText(d.shape)} does not match ${shapeText(w.shape)}`
            : `the model has no weight '${name}'`,
        });
        continue;
      }
      const dst = get(name) as Float32Array;
      const dd = d.data as Float32Array;
      for (let i = 0; i < dst.length; i++) dst[i] += use.strength * dd[i];
    }
  });
  const weights = new Map(base);
  for (const [name, v] of acc) weights.set(name, like(base.get(name) as HostTensor, v));
  return { weights, applied: [...acc.keys()].sort(), issues };
}
