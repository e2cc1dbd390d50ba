// The configurations of the tiny test models: real architectures at toy widths
// (a few MB per folder), one per official model family.
import { CLIP_VIT_H_14, type ClipVisionConfig } from '../models/wan/clip/config.js';
import { ditConfigFromJson, type WanDitConfig } from '../models/wan/dit/config.js';
import type { Umt5Config } from '../models/wan/umt5/config.js';
import { vaeConfigFromJson, type WanVaeConfig } from '../models/wan/vae/config.js';

/** Which official release a tiny model imitates. */
export type TinyModelKind = 't2v-2.1' | 'i2v-2.1' | 'ti2v-2.2' | 't2v-a14b' | 'i2v-a14b';

export const TINY_MODEL_KINDS: readonly TinyModelKind[] = ['t2v-2.1', 'i2v-2.1', 'ti2v-2.2', 't2v-a14b', 'i2v-a14b'];

export interface TinyModelConfigs {
  readonly kind: TinyModelKind;
  /** The DiT (both experts share it for A14B). */
  readonly dit: WanDitConfig;
  /** Two experts (high_noise_model / low_noise_model). */
  readonly experts: boolean;
  /** diffusers `boundary_ratio` of the A14B models. */
  readonly boundaryRatio?: number;
  readonly vae: WanVaeConfig;
  readonly textEncoder: Umt5Config;
  /** Wan2.1 I2V only. */
  readonly clip?: ClipVisionConfig;
  /** Width of the CLIP `head` projection (the open-clip embedding size, unused by Wan). */
  readonly clipEmbedDim?: number;
}

/**
 * Tiny CLIP vision tower. Its width stays 1280 because the Wan2.1 DiT's image
 * projection takes 1280-wide features whatever the model size; depth, heads,
 * MLP and image size are cut (28 px, 14 px patches: 5 tokens; 2 blocks, of
 * which Wan runs the first).
 */
export const TINY_CLIP: ClipVisionConfig = {
  ...CLIP_VIT_H_14,
  imageSize: 28,
  numHeads: 2,
  numLayers: 2,
  mlpRatio: 0.025,
};

/** Configurations of a tiny model; `vocab` is the tokenizer's vocabulary size. */
export function tinyModelConfigs(kind: TinyModelKind, vocab: number): TinyModelConfigs {
  const textEncoder: Umt5Config = {
    vocab,
    dim: 32,
    dimAttn: 32,
    dimFfn: 64,
    numHeads: 2,
    numLayers: 2,
    numBuckets: 32,
    sharedPos: false,
    maxDistance: 128,
    eps: 1e-6,
  };
  const v22 = kind === 'ti2v-2.2';
  const io = kind === 'ti2v-2.2' ? [48, 48] : kind.startsWith('i2v') ? [36, 16] : [16, 16];
  const modelType = kind === 'ti2v-2.2' ? 'ti2v' : kind.startsWith('i2v') ? 'i2v' : 't2v';
  const dit = ditConfigFromJson(
    {
      dim: 32,
      ffn_dim: 64,
      freq_dim: 256,
      num_heads: 2,
      num_layers: 2,
      in_dim: io[0],
      out_dim: io[1],
      text_dim: textEncoder.dim,
      text_len: 512,
      model_type: modelType,
    },
    undefined,
    kind.endsWith('2.1') ? '2.1' : '2.2',
  );
  const experts = kind.endsWith('a14b');
  return {
    kind,
    dit,
    experts,
    boundaryRatio: kind === 't2v-a14b' ? 0.875 : kind === 'i2v-a14b' ? 0.9 : undefined,
    vae: v22 ? vaeConfigFromJson({ dim: 4, dec_dim: 4 }, '2.2') : vaeConfigFromJson({ dim: 4 }, '2.1'),
    textEncoder,
    clip: kind === 'i2v-2.1' ? TINY_CLIP : undefined,
    clipEmbedDim: kind === 'i2v-2.1' ? 1024 : undefined,
  };
}
