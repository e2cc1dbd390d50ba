// WanModel (DiT) configuration and the official presets.
// Values from Wan-Video/Wan2.1 wan/configs/wan_{t2v_1_3B,t2v_14B,i2v_14B}.py (9737cba) and
// Wan-Video/Wan2.2 wan/configs/wan_{ti2v_5B,t2v_A14B,i2v_A14B}.py (42bf4cf); in_dim, out_dim and
// model_type from the config.json shipped with each checkpoint.
import { InputError } from '../../../engine/errors.js';

export type WanModelType = 't2v' | 'i2v' | 'ti2v' | 'flf2v';
/** Which official code the model follows: 2.1 has the CLIP image branch; 2.2 per-token timesteps. */
export type WanVersion = '2.1' | '2.2';

export interface WanDitConfig {
  readonly version: WanVersion;
  readonly modelType: WanModelType;
  readonly patchSize: readonly [number, number, number];
  readonly textLen: number;
  readonly inDim: number;
  readonly dim: number;
  readonly ffnDim: number;
  readonly freqDim: number;
  readonly textDim: number;
  readonly outDim: number;
  readonly numHeads: number;
  readonly numLayers: number;
  readonly qkNorm: boolean;
  readonly crossAttnNorm: boolean;
  readonly eps: number;
}

const BASE = {
  patchSize: [1, 2, 2] as const,
  textLen: 512,
  freqDim: 256,
  textDim: 4096,
  qkNorm: true,
  crossAttnNorm: true,
  eps: 1e-6,
};

export const WAN_PRESETS = {
  't2v-1.3B': {
    ...BASE,
    version: '2.1',
    modelType: 't2v',
    inDim: 16,
    outDim: 16,
    dim: 1536,
    ffnDim: 8960,
    numHeads: 12,
    numLayers: 30,
  },
  't2v-14B': {
    ...BASE,
    version: '2.1',
    modelType: 't2v',
    inDim: 16,
    outDim: 16,
    dim: 5120,
    ffnDim: 13824,
    numHeads: 40,
    numLayers: 40,
  },
  'i2v-14B': {
    ...BASE,
    version: '2.1',
    modelType: 'i2v',
    inDim: 36,
    outDim: 16,
    dim: 5120,
    ffnDim: 13824,
    numHeads: 40,
    numLayers: 40,
  },
  'flf2v-14B': {
    ...BASE,
    version: '2.1',
    modelType: 'flf2v',
    inDim: 36,
    outDim: 16,
    dim: 5120,
    ffnDim: 13824,
    numHeads: 40,
    numLayers: 40,
  },
  'ti2v-5B': {
    ...BASE,
    version: '2.2',
    modelType: 'ti2v',
    inDim: 48,
    outDim: 48,
    dim: 3072,
    ffnDim: 14336,
    numHeads: 24,
    numLayers: 30,
  },
  't2v-A14B': {
    ...BASE,
    version: '2.2',
    modelType: 't2v',
    inDim: 16,
    outDim: 16,
    dim: 5120,
    ffnDim: 13824,
    numHeads: 40,
    numLayers: 40,
  },
  'i2v-A14B': {
    ...BASE,
    version: '2.2',
    modelType: 'i2v',
    inDim: 36,
    outDim: 16,
    dim: 5120,
    ffnDim: 13824,
    numHeads: 40,
    numLayers: 40,
  },
} as const satisfies Record<string, WanDitConfig>;

export type WanPresetName = keyof typeof WAN_PRESETS;

export function isPresetName(s: string): s is WanPresetName {
  return Object.hasOwn(WAN_PRESETS, s);
}

/** Wan2.1 i2v/flf2v carry the CLIP image projection and the image cross-attention keys. */
export function hasImageBranch(c: WanDitConfig): boolean {
  return c.version === '2.1' && (c.modelType === 'i2v' || c.modelType === 'flf2v');
}

/** Number of CLIP tokens per image for the image branch (257 for ViT-H/14; 514 for flf2v's two images). */
export const CLIP_DIM = 1280;

/** The image/text split point of Wan2.1 I2V cross-attention (T5_CONTEXT_TOKEN_NUMBER upstream). */
export const T5_CONTEXT_TOKENS = 512;

/**
 * Builds a config from an official `config.json` object (WanModel keyword arguments,
 * snake_case) or a camelCase partial, over an optional base. Unknown keys are ignored;
 * wrong types are errors naming the key.
 */
export function ditConfigFromJson(
  json: Readonly<Record<string, unknown>>,
  base?: WanDitConfig,
  version?: WanVersion,
): WanDitConfig {
  const get = (snake: string, camel: string): unknown => json[snake] ?? json[camel];
  const num = (snake: string, camel: string, fallback: number | undefined): number => {
    const v = get(snake, camel);
    if (v === undefined) {
      if (fallback === undefined) throw new InputError(`DiT config: '${snake}' is required`);
      return fallback;
    }
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new InputError(`DiT config: '${snake}' must be a number, got ${JSON.stringify(v)}`);
    return v;
  };
  const int = (snake: string, camel: string, fallback: number | undefined): number => {
    const v = num(snake, camel, fallback);
    if (!Number.isInteger(v) || v <= 0)
      throw new InputError(`DiT config: '${snake}' must be a positive integer, got ${v}`);
    return v;
  };
  const bool = (snake: string, camel: string, fallback: boolean): boolean => {
    const v = get(snake, camel);
    if (v === undefined) return fallback;
    if (typeof v !== 'boolean')
      throw new InputError(`DiT config: '${snake}' must be true/false, got ${JSON.stringify(v)}`);
    return v;
  };
  const mt = get('model_type', 'modelType') ?? base?.modelType ?? 't2v';
  if (mt !== 't2v' && mt !== 'i2v' && mt !== 'ti2v' && mt !== 'flf2v') {
    throw new InputError(`DiT config: model_type must be t2v, i2v, ti2v or flf2v, got ${JSON.stringify(mt)}`);
  }
  const ps = get('patch_size', 'patchSize') ?? base?.patchSize ?? [1, 2, 2];
  if (!Array.isArray(ps) || ps.length !== 3 || !ps.every((v) => Number.isInteger(v) && v > 0)) {
    throw new InputError(`DiT config: patch_size must be three positive integers, got ${JSON.stringify(ps)}`);
  }
  const ver =
    version ?? (get('wan', 'version') as WanVersion | undefined) ?? base?.version ?? (mt === 'ti2v' ? '2.2' : '2.1');
  if (ver !== '2.1' && ver !== '2.2')
    throw new InputError(`DiT config: version must be "2.1" or "2.2", got ${JSON.stringify(ver)}`);
  const win = get('window_size', 'windowSize');
  if (Array.isArray(win) && (win[0] !== -1 || win[1] !== -1)) {
    throw new InputError(
      `DiT config: window_size ${JSON.stringify(win)} is not supported (official models use global attention, [-1, -1])`,
    );
  }
  const cfg: WanDitConfig = {
    version: ver,
    modelType: mt,
    patchSize: [ps[0], ps[1], ps[2]] as [number, number, number],
    textLen: int('text_len', 'textLen', base?.textLen ?? 512),
    inDim: int('in_dim', 'inDim', base?.inDim ?? 16),
    dim: int('dim', 'dim', base?.dim ?? 2048),
    ffnDim: int('ffn_dim', 'ffnDim', base?.ffnDim ?? 8192),
    freqDim: int('freq_dim', 'freqDim', base?.freqDim ?? 256),
    textDim: int('text_dim', 'textDim', base?.textDim ?? 4096),
    outDim: int('out_dim', 'outDim', base?.outDim ?? 16),
    numHeads: int('num_heads', 'numHeads', base?.numHeads ?? 16),
    numLayers: int('num_layers', 'numLayers', base?.numLayers ?? 32),
    qkNorm: bool('qk_norm', 'qkNorm', base?.qkNorm ?? true),
    crossAttnNorm: bool('cross_attn_norm', 'crossAttnNorm', base?.crossAttnNorm ?? true),
    eps: num('eps', 'eps', base?.eps ?? 1e-6),
  };
  validateDitConfig(cfg);
  return cfg;
}

export function validateDitConfig(c: WanDitConfig): void {
  if (c.dim % c.numHeads !== 0)
    throw new InputError(`DiT config: dim ${c.dim} is not divisible by num_heads ${c.numHeads}`);
  const d = c.dim / c.numHeads;
  if (d % 2 !== 0 || d < 6) throw new InputError(`DiT config: head dim ${d} must be even and >= 6 for the 3-D RoPE`);
  if (c.freqDim % 2 !== 0) throw new InputError(`DiT config: freq_dim ${c.freqDim} must be even`);
}

export function headDim(c: WanDitConfig): number {
  return c.dim / c.numHeads;
}
