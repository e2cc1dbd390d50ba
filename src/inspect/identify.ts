// What kind of Wan component a checkpoint holds, from its key names alone.
import type { TensorSource } from '../engine/weights/index.js';

export type ComponentKind = 'dit' | 'vae' | 'umt5' | 'clip' | 'unknown';

export function identifyComponent(source: Pick<TensorSource, 'keys'>): ComponentKind {
  const keys = source.keys();
  const has = (re: RegExp) => keys.some((k) => re.test(k));
  if (has(/(^|\.)patch_embedding\.weight$/) && has(/(^|\.)blocks\.0\./) && !has(/^visual\./)) return 'dit';
  if (has(/(^|\.)condition_embedder\./)) return 'dit';
  if (has(/^(encoder|decoder)\.(conv1|conv_in|downsamples|down_blocks)/) || has(/^decoder\.(upsamples|up_blocks)/))
    return 'vae';
  if (has(/^(token_embedding|shared)\.weight$/) || has(/^encoder\.block\.0\./)) return 'umt5';
  if (has(/^visual\./) || has(/^vision_model\./)) return 'clip';
  return 'unknown';
}
