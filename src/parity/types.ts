// The contract between `wanjs parity` and the per-family case runners.
import type { HostTensor } from '../engine/host-tensor.js';
import type { Device, Runtime } from '../engine/runtime/runtime.js';

/** One golden file as read from disk: its case name, config and every tensor. */
export interface ParityCase {
  readonly file: string;
  /** `__metadata__.case` (falls back to the file name without extension). */
  readonly name: string;
  /** Parsed `__metadata__.config` (an object; empty when absent). */
  readonly config: Readonly<Record<string, unknown>>;
  readonly metadata: Readonly<Record<string, string>>;
  readonly tensors: ReadonlyMap<string, HostTensor>;
}

/** One compared output. `expected` is the golden tensor; tolerances override the defaults. */
export interface ParityOutput {
  readonly name: string;
  readonly actual: HostTensor;
  readonly expected: HostTensor;
  readonly atol?: number;
  readonly rtol?: number;
}

export interface ParityContext {
  readonly runtime: Runtime;
  readonly device: Device;
  readonly threads?: number;
  readonly signal?: AbortSignal;
  /** Also compare intermediate activations (`inter.*`) where the runner can produce them. */
  readonly inter?: boolean;
}

/** Runs a case and returns the outputs to compare (the caller does the comparison). */
export type ParityRunner = (c: ParityCase, ctx: ParityContext) => Promise<ParityOutput[]>;
