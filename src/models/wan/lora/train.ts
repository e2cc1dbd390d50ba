// LoRA for training: choosing target Linear modules by name pattern, creating
// the adapter parameters (A random, B zero, so training starts from the base
// model), the graph branches that use them, and turning trained parameters into
// a LoraWeights to save.
import { InputError } from '../../../engine/errors.js';
import { HostTensor } from '../../../engine/host-tensor.js';
import { nameMatcher } from '../../../training/patterns.js';
import type { TrainRng } from '../../../training/rng.js';
import type { LoraBranch } from './graph-rewrite.js';
import type { LoraModule, LoraWeights } from './types.js';

export interface LoraTrainSpec {
  /** Module patterns (glob or /regex/) over official names, e.g. `blocks.*.self_attn.*`. */
  readonly targets: readonly string[];
  readonly rank: number;
  /** Default: rank (scale 1). */
  readonly alpha?: number;
}

/** Linear modules (2-D `<module>.weight` parameters) whose module name matches a target pattern. */
export function selectLoraModules(
  declared: ReadonlyMap<string, readonly number[]>,
  targets: readonly string[],
): string[] {
  const match = nameMatcher(targets);
  const out: string[] = [];
  for (const [name, shape] of declared) {
    if (!name.endsWith('.weight') || shape.length !== 2) continue;
    const m = name.slice(0, -'.weight'.length);
    if (match(m)) out.push(m);
  }
  if (out.length === 0) {
    throw new InputError(`LoRA targets ${JSON.stringify(targets)} match no Linear module of the model`);
  }
  return out;
}

/** Trainer parameter names of a module's adapter. */
export function loraParamNames(module: string): { down: string; up: string } {
  return { down: `${module}.lora_A`, up: `${module}.lora_B` };
}

/** A ~ U(−1/√in, 1/√in) (PEFT's default Kaiming init), B = 0. */
export function initLoraParams(
  declared: ReadonlyMap<string, readonly number[]>,
  modules: readonly string[],
  rank: number,
  rng: TrainRng,
): Map<string, HostTensor> {
  if (!Number.isInteger(rank) || rank < 1) throw new InputError(`LoRA rank must be a positive integer, got ${rank}`);
  const out = new Map<string, HostTensor>();
  for (const m of modules) {
    const shape = declared.get(`${m}.weight`);
    if (shape?.length !== 2) throw new InputError(`LoRA: '${m}' is not a Linear module of the model`);
    const [o, i] = shape;
    const bound = 1 / Math.sqrt(i);
    const a = new Float32Array(rank * i);
    for (let k = 0; k < a.length; k++) a[k] = (2 * rng.uniform() - 1) * bound;
    const n = loraParamNames(m);
    out.set(n.down, HostTensor.f32([rank, i], a));
    out.set(n.up, HostTensor.zeros([o, rank]));
  }
  return out;
}

/** The graph branches for training the adapters (constant scale alpha/rank). */
export function loraTrainingBranches(modules: readonly string[], rank: number, alpha = rank): LoraBranch[] {
  return modules.map((m) => ({ weight: `${m}.weight`, ...loraParamNames(m), rank, scale: alpha / rank }));
}

/** Trained adapter parameters as a LoraWeights (for saving or merging). */
export function loraFromParams(
  params: ReadonlyMap<string, HostTensor>,
  modules: readonly string[],
  alpha?: number,
): LoraWeights {
  const out = new Map<string, LoraModule>();
  for (const m of modules) {
    const n = loraParamNames(m);
    const down = params.get(n.down);
    const up = params.get(n.up);
    if (!down || !up) throw new InputError(`LoRA: no trained parameters for '${m}' (${n.down}, ${n.up})`);
    out.set(m, { down, up, alpha: alpha ?? down.shape[0] });
  }
  return { modules: out, diffs: new Map() };
}
