// Wan VAE configuration and the two official presets.
// Values from Wan-Video/Wan2.1 wan/modules/vae.py (`_video_vae`, `WanVAE`) and
// Wan-Video/Wan2.2 wan/modules/vae2_2.py (`_video_vae`, `Wan2_2_VAE`).
import { InputError } from '../../../engine/errors.js';

/** Which official VAE code the model follows (2.1: 4×8×8, 2.2: 2×2 patchify and 4×16×16). */
export type VaeVersion = '2.1' | '2.2';

export interface WanVaeConfig {
  readonly version: VaeVersion;
  /** Encoder base width (`dim`; 96 for 2.1, 160 for 2.2). */
  readonly dim: number;
  /** Decoder base width (`dec_dim` in 2.2; equal to `dim` in 2.1). */
  readonly decDim: number;
  /** Latent channels (16 for 2.1, 48 for 2.2). */
  readonly zDim: number;
  readonly dimMult: readonly number[];
  readonly numResBlocks: number;
  /** Per encoder stage (except the last): does its downsample also halve time? */
  readonly temporalDownsample: readonly boolean[];
  /** Per-channel latent statistics: encode returns (mu − mean)/std, decode inverts it. */
  readonly latentsMean: readonly number[];
  readonly latentsStd: readonly number[];
}

const MEAN_21 = [
  -0.7571, -0.7089, -0.9113, 0.1075, -0.1745, 0.9653, -0.1517, 1.5508, 0.4134, -0.0715, 0.5517, -0.3632, -0.1922,
  -0.9497, 0.2503, -0.2921,
];
const STD_21 = [
  2.8184, 1.4541, 2.3275, 2.6558, 1.2196, 1.7708, 2.6052, 2.0743, 3.2687, 2.1526, 2.8652, 1.5579, 1.6382, 1.1253,
  2.8251, 1.916,
];
const MEAN_22 = [
  -0.2289, -0.0052, -0.1323, -0.2339, -0.2799, 0.0174, 0.1838, 0.1557, -0.1382, 0.0542, 0.2813, 0.0891, 0.157, -0.0098,
  0.0375, -0.1825, -0.2246, -0.1207, -0.0698, 0.5109, 0.2665, -0.2108, -0.2158, 0.2502, -0.2055, -0.0322, 0.1109,
  0.1567, -0.0729, 0.0899, -0.2799, -0.123, -0.0313, -0.1649, 0.0117, 0.0723, -0.2839, -0.2083, -0.052, 0.3748, 0.0152,
  0.1957, 0.1433, -0.2944, 0.3573, -0.0548, -0.1681, -0.0667,
];
const STD_22 = [
  0.4765, 1.0364, 0.4514, 1.1677, 0.5313, 0.499, 0.4818, 0.5013, 0.8158, 1.0344, 0.5894, 1.0901, 0.6885, 0.6165, 0.8454,
  0.4978, 0.5759, 0.3523, 0.7135, 0.6804, 0.5833, 1.4146, 0.8986, 0.5659, 0.7069, 0.5338, 0.4889, 0.4917, 0.4069,
  0.4999, 0.6866, 0.4093, 0.5709, 0.6065, 0.6415, 0.4944, 0.5726, 1.2042, 0.5458, 1.6887, 0.3971, 1.06, 0.3943, 0.5537,
  0.5444, 0.4089, 0.7468, 0.7744,
];

/** `Wan2.1_VAE.pth` (also used by Wan2.2 T2V/I2V-A14B): 126.9 M parameters. */
export const WAN21_VAE: WanVaeConfig = {
  version: '2.1',
  dim: 96,
  decDim: 96,
  zDim: 16,
  dimMult: [1, 2, 4, 4],
  numResBlocks: 2,
  temporalDownsample: [false, true, true],
  latentsMean: MEAN_21,
  latentsStd: STD_21,
};

/** `Wan2.2_VAE.pth` (TI2V-5B): 704.7 M parameters. */
export const WAN22_VAE: WanVaeConfig = {
  version: '2.2',
  dim: 160,
  decDim: 256,
  zDim: 48,
  dimMult: [1, 2, 4, 4],
  numResBlocks: 2,
  temporalDownsample: [false, true, true],
  latentsMean: MEAN_22,
  latentsStd: STD_22,
};

/** Frames per encoder chunk after the first (single) frame, fixed by the official chunking. */
export const CHUNK_FRAMES = 4;

/** Pixel side of the 2.2 patchify (1 = none). */
export function patchSize(c: WanVaeConfig): number {
  return c.version === '2.2' ? 2 : 1;
}

/** Pixels per latent pixel along H and W (8 for 2.1, 16 for 2.2). */
export function spatialCompression(c: WanVaeConfig): number {
  return patchSize(c) * 2 ** (c.dimMult.length - 1);
}

/** Frames per latent frame after the first (4 for both official VAEs). */
export function temporalCompression(c: WanVaeConfig): number {
  return 2 ** temporalDownFlags(c).filter((t) => t).length;
}

/** Temporal flag of each encoder stage that downsamples (all stages but the last). */
export function temporalDownFlags(c: WanVaeConfig): boolean[] {
  return Array.from({ length: c.dimMult.length - 1 }, (_, i) => c.temporalDownsample[i] ?? false);
}

/** Encoder stage widths: `dim · [1, ...dim_mult]`. */
export function encoderDims(c: WanVaeConfig): number[] {
  return [1, ...c.dimMult].map((u) => c.dim * u);
}

/** Decoder stage widths: `dec_dim · [dim_mult[-1], ...reversed(dim_mult)]`. */
export function decoderDims(c: WanVaeConfig): number[] {
  return [c.dimMult[c.dimMult.length - 1], ...[...c.dimMult].reverse()].map((u) => c.decDim * u);
}

/** Temporal flag of each decoder stage that upsamples: the encoder's list reversed, as upstream. */
export function temporalUpFlags(c: WanVaeConfig): boolean[] {
  const rev = [...c.temporalDownsample].reverse();
  return Array.from({ length: c.dimMult.length - 1 }, (_, i) => rev[i] ?? false);
}

/** Frames each later latent frame decodes to (4 for both official VAEs). */
export function temporalUpsampling(c: WanVaeConfig): number {
  return 2 ** temporalUpFlags(c).filter((t) => t).length;
}

/** Channel count of the video the encoder eats and the decoder returns, after patchify. */
export function pixelChannels(c: WanVaeConfig): number {
  return 3 * patchSize(c) ** 2;
}

/**
 * Builds a config from the keyword arguments of the official `WanVAE_` (snake_case:
 * `dim`, `dec_dim`, `z_dim`, `dim_mult`, `num_res_blocks`, `attn_scales`,
 * `temperal_downsample`) or a camelCase partial, over a base (default: the
 * preset of `version`). `version` is taken from the argument, then `version`/`wan`
 * in the JSON, then `patch_size` 2 or `compression` [4, 16, 16] → 2.2, else the base.
 * `latents_mean`/`latents_std` may be given; otherwise the preset's constants are
 * used when z_dim matches (16 → 2.1, 48 → 2.2).
 */
export function vaeConfigFromJson(
  json: Readonly<Record<string, unknown>>,
  version?: VaeVersion,
  base?: WanVaeConfig,
): WanVaeConfig {
  const get = (snake: string, camel: string): unknown => json[snake] ?? json[camel];
  const ver = version ?? detectVersion(json) ?? base?.version ?? '2.1';
  const preset = ver === '2.2' ? WAN22_VAE : WAN21_VAE;
  const b = base ?? preset;
  const int = (snake: string, camel: string, fallback: number): number => {
    const v = get(snake, camel);
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0)
      throw new InputError(`VAE config: '${snake}' must be a positive integer, got ${JSON.stringify(v)}`);
    return v;
  };
  const intList = (snake: string, camel: string, fallback: readonly number[]): number[] => {
    const v = get(snake, camel);
    if (v === undefined) return [...fallback];
    if (!Array.isArray(v) || v.length === 0 || !v.every((u) => Number.isInteger(u) && u > 0))
      throw new InputError(
        `VAE config: '${snake}' must be a non-empty list of positive integers, got ${JSON.stringify(v)}`,
      );
    return v as number[];
  };
  const boolList = (snake: string, camel: string, fallback: readonly boolean[]): boolean[] => {
    const v = get(snake, camel);
    if (v === undefined) return [...fallback];
    if (!Array.isArray(v) || !v.every((u) => typeof u === 'boolean'))
      throw new InputError(`VAE config: '${snake}' must be a list of true/false, got ${JSON.stringify(v)}`);
    return v as boolean[];
  };
  const floats = (snake: string, camel: string): number[] | undefined => {
    const v = get(snake, camel);
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || !v.every((u) => typeof u === 'number' && Number.isFinite(u)))
      throw new InputError(`VAE config: '${snake}' must be a list of numbers, got ${JSON.stringify(v)}`);
    return v as number[];
  };
  const attn = get('attn_scales', 'attnScales');
  if (attn !== undefined && (!Array.isArray(attn) || attn.length > 0)) {
    // The official chunked forward calls every block with (x, cache, idx); an AttentionBlock in
    // the down/up path would raise there, so no released or reference model has one.
    throw new InputError(
      `VAE config: attn_scales must be empty (the official chunked encode/decode cannot run attention outside the middle block), got ${JSON.stringify(attn)}`,
    );
  }
  const dim = int('dim', 'dim', b.dim);
  const zDim = int('z_dim', 'zDim', b.zDim);
  const defaultStats = zDim === preset.zDim ? preset : undefined;
  const cfg: WanVaeConfig = {
    version: ver,
    dim,
    decDim: ver === '2.2' ? int('dec_dim', 'decDim', b.decDim) : dim,
    zDim,
    dimMult: intList('dim_mult', 'dimMult', b.dimMult),
    numResBlocks: int('num_res_blocks', 'numResBlocks', b.numResBlocks),
    temporalDownsample: boolList('temperal_downsample', 'temporalDownsample', b.temporalDownsample),
    latentsMean:
      floats('latents_mean', 'latentsMean') ??
      (base?.zDim === zDim ? base.latentsMean : defaultStats?.latentsMean) ??
      [],
    latentsStd:
      floats('latents_std', 'latentsStd') ?? (base?.zDim === zDim ? base.latentsStd : defaultStats?.latentsStd) ?? [],
  };
  validateVaeConfig(cfg);
  return cfg;
}

function detectVersion(json: Readonly<Record<string, unknown>>): VaeVersion | undefined {
  const v = json.version ?? json.wan;
  if (v === '2.1' || v === '2.2') return v;
  if (v !== undefined) throw new InputError(`VAE config: version must be "2.1" or "2.2", got ${JSON.stringify(v)}`);
  const ps = json.patch_size ?? json.patchSize;
  if (ps === 2) return '2.2';
  if (ps === 1) return '2.1';
  const comp = json.compression;
  if (Array.isArray(comp) && comp.length === 3) {
    if (comp[1] === 16) return '2.2';
    if (comp[1] === 8) return '2.1';
  }
  if (json.dec_dim !== undefined || json.decDim !== undefined) return '2.2';
  return undefined;
}

/** Throws an InputError naming the first inconsistent field. */
export function validateVaeConfig(c: WanVaeConfig): void {
  if (c.version !== '2.1' && c.version !== '2.2')
    throw new InputError(`VAE config: version must be "2.1" or "2.2", got ${JSON.stringify(c.version)}`);
  if (c.dimMult.length < 2)
    throw new InputError(`VAE config: dim_mult needs at least 2 entries, got ${c.dimMult.length}`);
  if (c.version === '2.1' && c.dimMult.length > 4) {
    // Decoder3d (2.1) halves the input width of stages 1..3 only, after each upsample.
    throw new InputError(`VAE config: the 2.1 decoder supports at most 4 dim_mult entries, got ${c.dimMult.length}`);
  }
  const k = temporalDownFlags(c).filter((t) => t).length;
  if (k > 2)
    throw new InputError(
      `VAE config: at most 2 temporal downsamples fit the 4-frame chunks of the official code, got ${k} in temperal_downsample ${JSON.stringify(c.temporalDownsample)}`,
    );
  if (c.latentsMean.length !== c.zDim || c.latentsStd.length !== c.zDim) {
    throw new InputError(
      `VAE config: latents_mean/latents_std need z_dim = ${c.zDim} values each, got ${c.latentsMean.length} and ${c.latentsStd.length}`,
    );
  }
  if (c.latentsStd.some((s) => s === 0)) throw new InputError('VAE config: latents_std contains 0');
  if (c.version === '2.2') {
    const dims = encoderDims(c);
    const flags = temporalDownFlags(c);
    for (let i = 0; i + 1 < dims.length; i++) {
      const f = (flags[i] ? 2 : 1) * (i < c.dimMult.length - 1 ? 4 : 1);
      if ((dims[i] * f) % dims[i + 1] !== 0)
        throw new InputError(
          `VAE config: 2.2 stage ${i} averages ${dims[i]}×${f} values into ${dims[i + 1]} channels (not divisible)`,
        );
    }
    const dec = decoderDims(c);
    const up = [...flags].reverse();
    for (let i = 0; i + 2 < dec.length; i++) {
      const f = (up[i] ? 2 : 1) * 4;
      if ((dec[i + 1] * f) % dec[i] !== 0)
        throw new InputError(
          `VAE config: 2.2 decoder stage ${i} repeats ${dec[i]} channels into ${dec[i + 1]}×${f} (not divisible)`,
        );
    }
  }
}
