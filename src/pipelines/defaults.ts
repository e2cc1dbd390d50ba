// Sampling defaults of the official CLI per model (Wan2.1 generate.py
// _validate_args and wan/configs; Wan2.2 generate.py and wan/configs).
import type { WanDitConfig } from '../models/wan/dit/config.js';

/** Official default negative prompt (wan/configs/shared_config.py sample_neg_prompt). */
export const DEFAULT_NEGATIVE_PROMPT =
  '色调艳丽，过曝，静态，细节模糊不清，字幕，风格，作品，画作，画面，静止，整体发灰，最差质量，低质量，JPEG压缩残留，丑陋的，残缺的，多余的手指，画得不好的手部，画得不好的脸部，畸形的，毁容的，形态畸形的肢体，手指融合，静止不动的画面，杂乱的背景，三条腿，背景人很多，倒着走';
/** Wan2.1 I2V prepends this (wan/configs/wan_i2v_14B.py). */
export const I2V_NEGATIVE_PREFIX = '镜头晃动，';

export type ModelFamily = 't2v-1.3B' | 't2v-14B' | 'i2v-14B' | 'ti2v-5B' | 't2v-A14B' | 'i2v-A14B' | 'custom';

export interface SamplingDefaults {
  readonly family: ModelFamily;
  readonly steps: number;
  readonly shift: number;
  /** Guidance for the low-noise and high-noise expert (equal for single-expert models). */
  readonly guideScale: { readonly low: number; readonly high: number };
  readonly frames: number;
  readonly fps: number;
  readonly width: number;
  readonly height: number;
  /** A14B expert switch; undefined for single models. */
  readonly boundary?: number;
  /** VAE compression (time, height, width). */
  readonly vaeStride: readonly [number, number, number];
  readonly sampler: 'unipc' | 'dpm++' | 'euler';
  readonly negativePrompt: string;
  /** TI2V text-to-video in two passes (see GenerateRequest.firstFrameFirst); official models: unset. */
  readonly firstFrameFirst?: boolean;
}

const COMMON = { sampler: 'unipc' as const, negativePrompt: DEFAULT_NEGATIVE_PROMPT, vaeStride: [4, 8, 8] as const };

/** The official defaults for a DiT config (and whether it comes as two experts). */
export function samplingDefaults(c: WanDitConfig, experts: boolean): SamplingDefaults {
  if (c.modelType === 'ti2v' || c.outDim === 48) {
    // The stride follows the latent channels: 48 is the Wan2.2 VAE (16×), 16 the Wan2.1 VAE (8×).
    const vaeStride = c.outDim === 48 ? ([4, 16, 16] as const) : ([4, 8, 8] as const);
    const family = c.outDim === 48 && c.dim === 3072 ? 'ti2v-5B' : 'custom';
    return {
      ...COMMON,
      family,
      steps: 50,
      shift: 5,
      guideScale: g(5),
      frames: 121,
      fps: 24,
      width: 1280,
      height: 704,
      vaeStride,
    };
  }
  if (experts && c.modelType === 'i2v') {
    return {
      ...COMMON,
      family: 'i2v-A14B',
      steps: 40,
      shift: 5,
      guideScale: g(3.5),
      frames: 81,
      fps: 16,
      width: 1280,
      height: 720,
      boundary: 0.9,
    };
  }
  if (experts) {
    return {
      ...COMMON,
      family: 't2v-A14B',
      steps: 40,
      shift: 12,
      guideScale: { low: 3, high: 4 },
      frames: 81,
      fps: 16,
      width: 1280,
      height: 720,
      boundary: 0.875,
    };
  }
  if (c.modelType === 'i2v' || c.modelType === 'flf2v') {
    const prefix = c.version === '2.1' ? I2V_NEGATIVE_PREFIX : '';
    return {
      ...COMMON,
      family: 'i2v-14B',
      steps: 40,
      shift: 5,
      guideScale: g(5),
      frames: 81,
      fps: 16,
      width: 1280,
      height: 720,
      negativePrompt: prefix + DEFAULT_NEGATIVE_PROMPT,
    };
  }
  if (c.dim === 1536 && c.numLayers === 30) {
    return {
      ...COMMON,
      family: 't2v-1.3B',
      steps: 50,
      shift: 5,
      guideScale: g(5),
      frames: 81,
      fps: 16,
      width: 832,
      height: 480,
    };
  }
  if (c.dim === 5120)
    return {
      ...COMMON,
      family: 't2v-14B',
      steps: 50,
      shift: 5,
      guideScale: g(5),
      frames: 81,
      fps: 16,
      width: 1280,
      height: 720,
    };
  return {
    ...COMMON,
    family: 'custom',
    steps: 50,
    shift: 5,
    guideScale: g(5),
    frames: 81,
    fps: 16,
    width: 832,
    height: 480,
  };
}

function g(v: number): { low: number; high: number } {
  return { low: v, high: v };
}
