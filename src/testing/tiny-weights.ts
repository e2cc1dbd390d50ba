// Random weights for every component of a tiny model, under official key
// names and with the reference oracle's scaling (see bench/random-weights).

import { randomWeights } from '../bench/random-weights.js';
import { HostTensor } from '../engine/host-tensor.js';
import { ClipVisionEncoder } from '../models/wan/clip/model.js';
import { WanDiT } from '../models/wan/dit/model.js';
import { Umt5Encoder } from '../models/wan/umt5/model.js';
import { WanVae } from '../models/wan/vae/model.js';
import type { TinyModelConfigs } from './tiny-configs.js';

/** Official-name float32 tensors of each component. */
export interface TinyModelWeights {
  /** One DiT, or [high-noise, low-noise] experts. */
  readonly dit: readonly Map<string, HostTensor>[];
  readonly vae: Map<string, HostTensor>;
  readonly textEncoder: Map<string, HostTensor>;
  /**
   * The whole official CLIP file's vision part (`visual.*`, including the last
   * block, `post_norm` and `head` that Wan never runs) and `log_scale`.
   */
  readonly clip?: Map<string, HostTensor>;
}

/** Every parameter of the official CLIP checkpoint's vision tower, `visual.`-prefixed. */
export function clipCheckpointShapes(c: TinyModelConfigs): Map<string, readonly number[]> {
  const out = new Map<string, readonly number[]>();
  if (!c.clip || c.clipEmbedDim === undefined) return out;
  const all = ClipVisionEncoder.declaredParams({ ...c.clip, skipLastBlock: false });
  for (const [k, s] of all) out.set(`visual.${k}`, s);
  out.set('visual.post_norm.weight', [c.clip.dim]);
  out.set('visual.post_norm.bias', [c.clip.dim]);
  out.set('visual.head', [c.clip.dim, c.clipEmbedDim]);
  return out;
}

/** Deterministic random weights for a tiny model (one draw for all components). */
export function tinyModelWeights(c: TinyModelConfigs, seed = 0): TinyModelWeights {
  const parts: [string, Map<string, readonly number[]>][] = [
    ['vae', WanVae.declaredParams(c.vae)],
    ['t5', Umt5Encoder.declaredParams(c.textEncoder)],
    ['clip', clipCheckpointShapes(c)],
  ];
  const ditShapes = WanDiT.declaredParams(c.dit);
  const experts = c.experts ? ['high', 'low'] : ['dit'];
  for (const e of experts) parts.push([e, ditShapes]);
  // Prefixes keep names distinct without touching the suffixes the scaling rules look at.
  const all = new Map<string, readonly number[]>();
  for (const [p, shapes] of parts) for (const [k, s] of shapes) all.set(`${p}/${k}`, s);
  const drawn = randomWeights(all, seed);
  const take = (p: string): Map<string, HostTensor> => {
    const out = new Map<string, HostTensor>();
    for (const [k, t] of drawn) if (k.startsWith(`${p}/`)) out.set(k.slice(p.length + 1), t);
    return out;
  };
  const clip = c.clip ? take('clip') : undefined;
  // open-clip's initial logit scale, log(1 / 0.07): a scalar the vision tower never reads.
  clip?.set('log_scale', HostTensor.f32([], [Math.log(1 / 0.07)]));
  return { dit: experts.map(take), vae: take('vae'), textEncoder: take('t5'), clip };
}
