// CLIP vision tower (wan/modules/clip.py VisionTransformer, as CLIPModel.visual
// runs it) configuration and the ViT-H/14 preset of Wan2.1 I2V / FLF2V.
import { InputError } from '../../../engine/errors.js';

export type ClipActivation = 'gelu' | 'quick_gelu' | 'swi_glu';
export type ClipPool = 'token' | 'token_fc' | 'attn_pool';

export interface ClipVisionConfig {
  /** Images are resized to image_size × image_size before patching. */
  readonly imageSize: number;
  readonly patchSize: number;
  readonly dim: number;
  readonly mlpRatio: number;
  readonly numHeads: number;
  /** Blocks in the checkpoint; Wan runs all but the last (`use_31_block`). */
  readonly numLayers: number;
  readonly normEps: number;
  /** `token`/`token_fc` prepend a class token; `attn_pool` does not. */
  readonly poolType: ClipPool;
  /** pre_norm: LayerNorm after the embeddings and a bias-free patch conv. */
  readonly preNorm: boolean;
  /** Post-norm residual blocks (`x + norm(f(x))`); false in every Wan CLIP. */
  readonly postNorm: boolean;
  readonly activation: ClipActivation;
  /** Per-channel normalisation applied after mapping [-1, 1] to [0, 1]. */
  readonly mean: readonly [number, number, number];
  readonly std: readonly [number, number, number];
  /** Stop before the last block (Wan's `use_31_block=True`). */
  readonly skipLastBlock: boolean;
}

/** OpenAI CLIP pixel statistics (wan/modules/clip.py `_clip`, non-SigLIP). */
export const CLIP_MEAN: readonly [number, number, number] = [0.48145466, 0.4578275, 0.40821073];
export const CLIP_STD: readonly [number, number, number] = [0.26862954, 0.26130258, 0.27577711];

/** `clip_xlm_roberta_vit_h_14` visual tower: [1, 257, 1280] features from 224 px. */
export const CLIP_VIT_H_14: ClipVisionConfig = {
  imageSize: 224,
  patchSize: 14,
  dim: 1280,
  mlpRatio: 4,
  numHeads: 16,
  numLayers: 32,
  normEps: 1e-5,
  poolType: 'token',
  preNorm: true,
  postNorm: false,
  activation: 'gelu',
  mean: CLIP_MEAN,
  std: CLIP_STD,
  skipLastBlock: true,
};

export const CLIP_PRESETS: Readonly<Record<string, ClipVisionConfig>> = { 'vit-h-14': CLIP_VIT_H_14 };

/** Hidden width of the MLP: `int(dim * mlp_ratio)`. */
export function mlpDim(c: ClipVisionConfig): number {
  return Math.trunc(c.dim * c.mlpRatio);
}

/** Patches per side (`image_size // patch_size`, the conv floors). */
export function gridSize(c: ClipVisionConfig): number {
  return Math.floor(c.imageSize / c.patchSize);
}

/** Output tokens: patches plus the class token. */
export function tokenCount(c: ClipVisionConfig): number {
  return gridSize(c) ** 2 + (hasClassToken(c) ? 1 : 0);
}

export function hasClassToken(c: ClipVisionConfig): boolean {
  return c.poolType === 'token' || c.poolType === 'token_fc';
}

/** Blocks actually run. */
export function blocksRun(c: ClipVisionConfig): number {
  return c.skipLastBlock ? c.numLayers - 1 : c.numLayers;
}

export function validateClipConfig(c: ClipVisionConfig, where = 'CLIP config'): ClipVisionConfig {
  for (const k of ['imageSize', 'patchSize', 'dim', 'numHeads', 'numLayers'] as const) {
    if (!Number.isInteger(c[k]) || c[k] < 1)
      throw new InputError(`${where}: ${k} must be a positive integer, got ${c[k]}`);
  }
  if (c.dim % c.numHeads !== 0)
    throw new InputError(`${where}: dim ${c.dim} is not divisible by num_heads ${c.numHeads}`);
  if (gridSize(c) < 1) {
    throw new InputError(`${where}: image_size ${c.imageSize} is smaller than patch_size ${c.patchSize}`);
  }
  if (!(c.mlpRatio > 0) || mlpDim(c) < 1) throw new InputError(`${where}: mlp_ratio must be > 0, got ${c.mlpRatio}`);
  if (!(c.normEps > 0)) throw new InputError(`${where}: norm_eps must be > 0, got ${c.normEps}`);
  if (c.mean.length !== 3 || c.std.length !== 3 || c.std.some((s) => !(s > 0))) {
    throw new InputError(`${where}: mean/std need 3 values with std > 0, got [${c.mean}] / [${c.std}]`);
  }
  if (blocksRun(c) < 0) throw new InputError(`${where}: no blocks to run`);
  return c;
}

function triple(v: unknown, key: string, fallback: readonly [number, number, number]): [number, number, number] {
  if (v === undefined) return [...fallback];
  if (Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === 'number')) return v as [number, number, number];
  throw new InputError(`CLIP config: '${key}' must be a list of 3 numbers`);
}

function oneOf<T extends string>(v: unknown, key: string, allowed: readonly T[], fallback: T): T {
  if (v === undefined) return fallback;
  if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
  throw new InputError(`CLIP config: '${key}' must be one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`);
}

/** From the oracle's snake_case JSON (VisionTransformer kwargs plus `clip_mean`/`clip_std`). */
export function clipConfigFromJson(j: Readonly<Record<string, unknown>>): ClipVisionConfig {
  const n = (k: string, fallback?: number): number => {
    const v = j[k];
    if (typeof v === 'number') return v;
    if (fallback !== undefined) return fallback;
    throw new InputError(`CLIP config: '${k}' is missing or not a number`);
  };
  return validateClipConfig({
    imageSize: n('image_size'),
    patchSize: n('patch_size'),
    dim: n('dim'),
    mlpRatio: n('mlp_ratio', 4),
    numHeads: n('num_heads'),
    numLayers: n('num_layers'),
    normEps: n('norm_eps', 1e-5),
    poolType: oneOf(j.pool_type, 'pool_type', ['token', 'token_fc', 'attn_pool'], 'token'),
    preNorm: j.pre_norm !== false,
    postNorm: j.post_norm === true,
    activation: oneOf(j.activation, 'activation', ['gelu', 'quick_gelu', 'swi_glu'], 'gelu'),
    mean: triple(j.clip_mean ?? j.mean, 'clip_mean', CLIP_MEAN),
    std: triple(j.clip_std ?? j.std, 'clip_std', CLIP_STD),
    skipLastBlock: j.use_31_block !== false,
  });
}
