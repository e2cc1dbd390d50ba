// Reading the CLIP vision tower from Wan2.1's
// `models_clip_open-clip-xlm-roberta-large-vit-huge-14.pth` (the whole
// XLM-RoBERTa CLIP: only `visual.*` is read, the text tower is skipped).
import type { HostTensor } from '../../../engine/host-tensor.js';
import { bindParameters } from '../../../engine/weights/bind.js';
import type { TensorSource } from '../../../engine/weights/tensor-source.js';
import { CLIP_VIT_H_14, type ClipVisionConfig } from './config.js';
import { ClipVisionEncoder } from './model.js';

export interface LoadClipOptions {
  /** Default: ViT-H/14 (Wan2.1 I2V / FLF2V). */
  readonly config?: ClipVisionConfig;
  /** Key prefix of the vision tower (default `visual.`). */
  readonly prefix?: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number, name: string) => void;
}

/**
 * The float32 parameters the encoder runs, by their VisionTransformer names.
 * The last block, `post_norm` and `head` are in the file but never used.
 */
export async function loadClipVisionWeights(
  source: TensorSource,
  opts: LoadClipOptions = {},
): Promise<{ config: ClipVisionConfig; weights: Map<string, HostTensor> }> {
  const config = opts.config ?? CLIP_VIT_H_14;
  const prefix = opts.prefix ?? 'visual.';
  const declared = new Map([...ClipVisionEncoder.declaredParams(config)].map(([k, shape]) => [k, { shape }]));
  const esc = prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const unused = new RegExp(`^${esc}(post_norm\\.|head(\\.|$)|transformer\\.${config.numLayers - 1}\\.)`);
  const weights = await bindParameters(declared, source, {
    prefix,
    allowUnexpected: unused,
    dtype: 'float32',
    signal: opts.signal,
    onProgress: opts.onProgress,
  });
  return { config, weights };
}
