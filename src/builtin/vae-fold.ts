// Folding the built-in VAE's own latent normalisation into its weights. The
// official VAE file has no config, so every loader normalises latents with the
// Wan2.1 constants: encode returns (mu − MEAN)/STD, decode feeds z·STD + MEAN to
// `conv2`. Our VAE's raw mu has its own per-channel mean m and spread s; rescaling
// the mu rows of `conv1` and the input columns of `conv2` (both 1×1×1 convs, so
// the change is an exact per-channel affine map) makes the official constants
// give (mu_raw − m)/s: unit-variance latents for the DiT, with no change to what
// the decoder reconstructs.
import { InputError } from '../engine/errors.js';
import { HostTensor } from '../engine/host-tensor.js';

/** Per-channel statistics of a latent: the map x ↦ (x − mean)/std. */
export interface LatentNorm {
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

function f32(weights: ReadonlyMap<string, HostTensor>, name: string, shape: readonly number[]): Float32Array {
  const t = weights.get(name);
  if (t?.dtype !== 'float32' || t.shape.join() !== shape.join()) {
    throw new InputError(
      `VAE fold: '${name}' must be float32 [${shape.join(', ')}], found ${t ? `${t.dtype} [${t.shape.join(', ')}]` : 'nothing'}`,
    );
  }
  return t.data as Float32Array;
}

/**
 * Weights whose official-constant normalisation `target` reproduces `own` (see the file
 * comment). Only conv1 (mu and log-variance rows) and conv2 change; the rest is shared.
 */
export function foldLatentNorm(
  weights: ReadonlyMap<string, HostTensor>,
  own: LatentNorm,
  target: LatentNorm,
): Map<string, HostTensor> {
  const z = own.mean.length;
  if (own.std.length !== z || target.mean.length !== z || target.std.length !== z) {
    throw new InputError(
      `VAE fold: statistics need ${z} channels each (own ${own.mean.length}/${own.std.length}, target ${target.mean.length}/${target.std.length})`,
    );
  }
  const w1 = f32(weights, 'conv1.weight', [2 * z, 2 * z, 1, 1, 1]);
  const b1 = f32(weights, 'conv1.bias', [2 * z]);
  const w2 = f32(weights, 'conv2.weight', [z, z, 1, 1, 1]);
  const b2 = f32(weights, 'conv2.bias', [z]);
  // mu' = a·mu + beta with a = STD/s, beta = MEAN − STD·m/s
  const a = own.std.map((s, j) => target.std[j] / s);
  const beta = own.mean.map((m, j) => target.mean[j] - (target.std[j] * m) / own.std[j]);
  const nw1 = Float32Array.from(w1);
  const nb1 = Float32Array.from(b1);
  for (let j = 0; j < z; j++) {
    for (let i = 0; i < 2 * z; i++) nw1[j * 2 * z + i] = a[j] * w1[j * 2 * z + i];
    nb1[j] = a[j] * b1[j] + beta[j];
    // the posterior scales with mu: log-variance shifts by 2·ln a
    nb1[z + j] = b1[z + j] + 2 * Math.log(a[j]);
  }
  // conv2'(u) = conv2(s·(u − MEAN)/STD + m) = W2·(u/a) + W2·(m − MEAN/a) + b2
  const nw2 = new Float32Array(z * z);
  const nb2 = new Float32Array(z);
  for (let o = 0; o < z; o++) {
    let acc = b2[o];
    for (let j = 0; j < z; j++) {
      nw2[o * z + j] = w2[o * z + j] / a[j];
      acc += w2[o * z + j] * (own.mean[j] - target.mean[j] / a[j]);
    }
    nb2[o] = acc;
  }
  const out = new Map(weights);
  out.set('conv1.weight', HostTensor.f32([2 * z, 2 * z, 1, 1, 1], nw1));
  out.set('conv1.bias', HostTensor.f32([2 * z], nb1));
  out.set('conv2.weight', HostTensor.f32([z, z, 1, 1, 1], nw2));
  out.set('conv2.bias', HostTensor.f32([z], nb2));
  return out;
}

/** Per-channel mean and standard deviation of latents [z, …] (float64 sums). */
export function latentStats(latents: readonly Float32Array[], z: number): LatentNorm {
  const sum = new Float64Array(z);
  const sq = new Float64Array(z);
  let per = 0;
  for (const l of latents) {
    const n = l.length / z;
    per += n;
    for (let j = 0; j < z; j++) {
      for (let k = 0; k < n; k++) {
        const v = l[j * n + k];
        sum[j] += v;
        sq[j] += v * v;
      }
    }
  }
  const mean = Array.from(sum, (s) => s / per);
  const std = Array.from(sq, (s, j) => Math.sqrt(Math.max(s / per - mean[j] ** 2, 1e-12)));
  return { mean, std };
}
