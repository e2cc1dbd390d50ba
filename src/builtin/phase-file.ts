// A finished training phase's weights on disk: `final.safetensors` in the phase's folder, the
// parameters as `param.<name>` and the EMA weights (when the phase keeps them) as `ema.<name>`.
import type { HostTensor } from '../engine/host-tensor.js';
import { readSafetensors, writeSafetensors } from '../engine/weights/safetensors.js';

export interface PhaseWeights {
  readonly params: Map<string, HostTensor>;
  readonly ema?: Map<string, HostTensor>;
}

export async function writePhaseFile(path: string, w: PhaseWeights): Promise<void> {
  const tensors = new Map<string, HostTensor>();
  for (const [k, t] of w.params) tensors.set(`param.${k}`, t);
  for (const [k, t] of w.ema ?? []) tensors.set(`ema.${k}`, t);
  await writeSafetensors(path, tensors);
}

export async function readPhaseFile(path: string): Promise<PhaseWeights> {
  const { tensors } = await readSafetensors(path);
  const params = new Map<string, HostTensor>();
  const ema = new Map<string, HostTensor>();
  for (const [k, t] of tensors) {
    if (k.startsWith('param.')) params.set(k.slice(6), t);
    else if (k.startsWith('ema.')) ema.set(k.slice(4), t);
  }
  return { params, ema: ema.size ? ema : undefined };
}
