// Widening a trained Wan2.1-topology VAE's encoder to a larger base width without
// changing what it computes. The official Wan2.1 VAE has one base width for encoder
// and decoder, so a wider decoder needs a wider encoder too; the DiT was trained on
// the narrow encoder's latents, so the wide one must give the same latents.
//
// The added channels start (and, with the encoder frozen, stay) exactly zero: every
// weight into an added channel and its bias are 0, so it is 0 after every conv; RMS
// norm maps 0 to 0 and SiLU(0) = 0; residual sums add 0. Two things still depend on
// the channel count C and are compensated on the old channels: RMS norm multiplies by
// √C (gamma × √(a/b)), and the middle attention scales logits by 1/√C (query rows ×
// √(b/a)). `to_qkv` stacks q, k and v along its output channels, so each third is
// widened on its own.
import { InputError } from '../engine/errors.js';
import { HostTensor } from '../engine/host-tensor.js';

/** Copies `src` (shape `from`) into the leading corner of a zero tensor of shape `to`. */
function embed(src: Float32Array, from: readonly number[], to: readonly number[]): Float32Array {
  const out = new Float32Array(to.reduce((a, b) => a * b, 1));
  const rank = from.length;
  const inner = (dims: readonly number[], d: number) => dims.slice(d + 1).reduce((a, b) => a * b, 1);
  const copy = (d: number, so: number, oo: number) => {
    if (d === rank) {
      out[oo] = src[so];
      return;
    }
    const si = inner(from, d);
    const oi = inner(to, d);
    for (let i = 0; i < from[d]; i++) copy(d + 1, so + i * si, oo + i * oi);
  };
  copy(0, 0, 0);
  return out;
}

/**
 * The encoder weights (`encoder.*`, `conv1.*`) of `narrow` re-laid out for the wider
 * shapes of `wideShapes` (a VAE's declared parameters at the larger width), computing
 * the same function. Other names are left out.
 */
export function widenVaeEncoder(
  narrow: ReadonlyMap<string, HostTensor>,
  wideShapes: ReadonlyMap<string, readonly number[]>,
): Map<string, HostTensor> {
  const out = new Map<string, HostTensor>();
  for (const [name, shape] of wideShapes) {
    if (!name.startsWith('encoder.') && !name.startsWith('conv1.')) continue;
    const t = narrow.get(name);
    if (t?.dtype !== 'float32' || t.shape.length !== shape.length || t.shape.some((d, i) => d > shape[i])) {
      throw new InputError(
        `VAE widen: '${name}' must be float32 with at most [${shape.join(', ')}], found ${t ? `${t.dtype} [${t.shape.join(', ')}]` : 'nothing'}`,
      );
    }
    const src = t.data as Float32Array;
    let data: Float32Array;
    if (name.endsWith('.to_qkv.weight') || name.endsWith('.to_qkv.bias')) {
      data = widenQkv(src, t.shape, shape);
    } else {
      data = embed(src, t.shape, shape);
      if (name.endsWith('.gamma')) {
        const k = Math.sqrt(t.shape[0] / shape[0]);
        for (let i = 0; i < data.length; i++) data[i] *= k;
      }
    }
    out.set(name, HostTensor.f32(shape, data));
  }
  return out;
}

/** q, k and v blocks each embedded at their own offset; the query block rescaled for 1/√C. */
function widenQkv(src: Float32Array, from: readonly number[], to: readonly number[]): Float32Array {
  const a = from[0] / 3;
  const b = to[0] / 3;
  const rowFrom = from.slice(1).reduce((x, y) => x * y, 1);
  const rowTo = to.slice(1).reduce((x, y) => x * y, 1);
  const out = new Float32Array(to[0] * rowTo);
  for (let part = 0; part < 3; part++) {
    const block = embed(
      src.subarray(part * a * rowFrom, (part + 1) * a * rowFrom),
      [a, ...from.slice(1)],
      [b, ...to.slice(1)],
    );
    if (part === 0) for (let i = 0; i < block.length; i++) block[i] *= Math.sqrt(b / a);
    out.set(block, part * b * rowTo);
  }
  return out;
}

/**
 * The decoder weights (`decoder.*`, `conv2.*`) of `narrow` at the wider shapes of
 * `wideShapes` by channel duplication (Net2Net): every channel of the narrow decoder
 * appears `m` times, weights reading duplicated channels are divided by `m`. RMS norm
 * is unchanged by duplication (the norm and √C both grow by √m), attention logits grow
 * by √m and are compensated on the query rows, `to_qkv` (q, k, v) and the upsampling
 * `time_conv` (two output frames) are duplicated within each output block. `noise`
 * (relative to each tensor's RMS, seeded) breaks the symmetry between copies so they
 * can learn different things.
 */
export function widenVaeDecoder(
  narrow: ReadonlyMap<string, HostTensor>,
  wideShapes: ReadonlyMap<string, readonly number[]>,
  noise: number,
  seed: number,
): Map<string, HostTensor> {
  const out = new Map<string, HostTensor>();
  let state = seed >>> 0 || 1;
  const uniform = () => {
    // xorshift32: a small seeded generator, enough for symmetry-breaking noise
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  for (const [name, shape] of wideShapes) {
    if (!name.startsWith('decoder.') && !name.startsWith('conv2.')) continue;
    const t = narrow.get(name);
    if (
      t?.dtype !== 'float32' ||
      t.shape.length !== shape.length ||
      t.shape.some((d, i) => shape[i] % d !== 0 || (i > 1 && d !== shape[i]))
    ) {
      throw new InputError(
        `VAE widen: '${name}' must be float32 whose first two dimensions divide [${shape.join(', ')}], found ${t ? `${t.dtype} [${t.shape.join(', ')}]` : 'nothing'}`,
      );
    }
    const src = t.data as Float32Array;
    const outBlocks = name.endsWith('.to_qkv.weight') || name.endsWith('.to_qkv.bias') ? 3 : timeBlocks(name, t.shape);
    const mOut = shape[0] / t.shape[0];
    const mIn = shape.length > 1 && !name.endsWith('.gamma') ? shape[1] / t.shape[1] : 1;
    const inner = shape.slice(2).reduce((a, b) => a * b, 1);
    const oldIn = shape.length > 1 && !name.endsWith('.gamma') ? t.shape[1] : 1;
    const newIn = oldIn * mIn;
    const oldBlock = t.shape[0] / outBlocks;
    const newBlock = shape[0] / outBlocks;
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    let rms = 0;
    for (const v of src) rms += v * v;
    rms = Math.sqrt(rms / Math.max(1, src.length));
    const qScale = outBlocks === 3 ? 1 / Math.sqrt(mOut) : 1;
    for (let o = 0; o < shape[0]; o++) {
      const p = Math.floor(o / newBlock);
      const oo = p * oldBlock + ((o % newBlock) % oldBlock);
      const k = (p === 0 ? qScale : 1) / mIn;
      for (let i = 0; i < newIn; i++) {
        const io = i % oldIn;
        for (let e = 0; e < inner; e++) {
          const v = src[(oo * oldIn + io) * inner + e] * k;
          const dup = o % newBlock >= oldBlock || i >= oldIn;
          data[(o * newIn + i) * inner + e] = dup && noise > 0 ? v + noise * rms * (2 * uniform() - 1) : v;
        }
      }
    }
    out.set(name, HostTensor.f32(shape, data));
  }
  return out;
}

/** Output blocks of a decoder `time_conv` (it makes two frames: 2C outputs from C inputs). */
function timeBlocks(name: string, shape: readonly number[]): number {
  if (!name.endsWith('.time_conv.weight') && !name.endsWith('.time_conv.bias')) return 1;
  return name.endsWith('.bias') ? 2 : shape[0] / shape[1];
}
