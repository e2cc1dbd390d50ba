// LoRAs applied on the fly: a Program whose graphs carry low-rank branches fed as
// extra graph inputs, so base weights stay untouched and shared (e.g. both
// Wan2.2 A14B experts keep their own weights; give each expert's model its own
// LoraProgram). Strengths can change between runs without recompiling.

import { Graph } from '../../../engine/graph/graph.js';
import { HostTensor } from '../../../engine/host-tensor.js';
import { Program, type ProgramOptions, type Weights } from '../../../engine/program.js';
import type { Runtime } from '../../../engine/runtime/runtime.js';
import { applyLoraGraph, type LoraBranch, unusedLoraTargets, type WeightDelta } from './graph-rewrite.js';
import { type LoraIssue, type LoraUse, loraRank, loraScale } from './types.js';

export class LoraProgram extends Program {
  readonly #branches: LoraBranch[] = [];
  readonly #deltas: WeightDelta[] = [];
  readonly #tensors = new Map<string, HostTensor>();
  readonly #loras: LoraUse[];
  readonly #issues = new Map<string, LoraIssue>();
  #merged = new WeakMap<Weights, Map<string, HostTensor>>();

  constructor(runtime: Runtime, opts: ProgramOptions, loras: readonly LoraUse[]) {
    super(runtime, opts);
    this.#loras = [...loras];
    loras.forEach((use, i) => {
      for (const [m, mod] of use.lora.modules) {
        const p = `lora${i}.${m}`;
        this.#branches.push({
          weight: `${m}.weight`,
          down: `${p}.down`,
          up: `${p}.up`,
          rank: loraRank(mod),
          scale: `${p}.scale`,
          shape: [mod.up.shape[0], mod.down.shape[1]],
        });
        this.#tensors.set(`${p}.down`, mod.down);
        this.#tensors.set(`${p}.up`, mod.up);
      }
      for (const [w, d] of use.lora.diffs) {
        const p = `lora${i}.${w}`;
        this.#deltas.push({ weight: w, delta: `${p}.diff`, scale: `${p}.diffscale` });
        this.#tensors.set(`${p}.diff`, d);
      }
    });
    this.#loras.forEach((_, i) => {
      this.setStrength(i, this.#loras[i].strength);
    });
  }

  /** Changes the strength of LoRA `index` for later runs (no recompilation). */
  setStrength(index: number, strength: number): void {
    const use = this.#loras[index];
    for (const [m, mod] of use.lora.modules) {
      this.#tensors.set(`lora${index}.${m}.scale`, HostTensor.f32([], [strength * loraScale(mod)]));
    }
    for (const w of use.lora.diffs.keys())
      this.#tensors.set(`lora${index}.${w}.diffscale`, HostTensor.f32([], [strength]));
    this.#merged = new WeakMap();
  }

  /** Adapters that did not match a weight of the graphs built so far, with reasons. */
  issues(): LoraIssue[] {
    return [...this.#issues.values()];
  }

  override run(
    key: string,
    build: (g: Graph) => void,
    inputs: Readonly<Record<string, HostTensor>>,
    weights: Weights,
    signal?: AbortSignal,
  ): Promise<Record<string, HostTensor>> {
    const wrapped = (g: Graph): void => {
      const src = new Graph();
      build(src);
      for (const u of unusedLoraTargets(src, this.#branches, this.#deltas)) {
        this.#issues.set(`${u.weight}: ${u.reason}`, { key: u.weight, reason: u.reason });
      }
      // each adapter is checked on its own: one that does not fit never disables another
      const shapes = new Map(src.params.map((p) => [p.name, p.shape]));
      const fits = (b: LoraBranch): boolean => {
        const s = shapes.get(b.weight);
        return s !== undefined && s.length === 2 && (!b.shape || (b.shape[0] === s[0] && b.shape[1] === s[1]));
      };
      applyLoraGraph(
        src,
        g,
        this.#branches.filter(fits),
        this.#deltas.filter((d) => shapes.has(d.weight)),
      );
    };
    let merged = this.#merged.get(weights);
    if (!merged) {
      merged = new Map([...weights, ...this.#tensors]);
      this.#merged.set(weights, merged);
    }
    return super.run(`${key}|lora`, wrapped, inputs, merged, signal);
  }
}
