// LoRA adapters in memory: one low-rank update per adapted Linear module, keyed by
// the module's official Wan name (e.g. `blocks.0.self_attn.q`).
import type { HostTensor } from '../../../engine/host-tensor.js';

/** ΔW = (alpha / rank) · up · down for a Linear weight W [out, in]. */
export interface LoraModule {
  /** A ("lora_down" / "lora_A"): [rank, in]. */
  readonly down: HostTensor;
  /** B ("lora_up" / "lora_B"): [out, rank]. */
  readonly up: HostTensor;
  readonly alpha: number;
}

/** Adapters by official module name, plus optional full deltas (`.diff`, `.diff_b`) by weight name. */
export interface LoraWeights {
  readonly modules: ReadonlyMap<string, LoraModule>;
  /** Weight name (e.g. `blocks.0.norm3.weight`) → additive delta of the same shape. */
  readonly diffs: ReadonlyMap<string, HostTensor>;
}

/** A LoRA to apply with a strength (1 = as trained). */
export interface LoraUse {
  readonly lora: LoraWeights;
  readonly strength: number;
  /** A label for reports (file name). */
  readonly name?: string;
}

/** Something that was in a LoRA but not applied, and why. */
export interface LoraIssue {
  readonly key: string;
  readonly reason: string;
}

export function loraRank(m: LoraModule): number {
  return m.down.shape[0];
}

export function loraScale(m: LoraModule): number {
  return m.alpha / loraRank(m);
}
