// The execution contract. This file imports no ONNX Runtime package: only
// ort-node.ts does, so the rest of the code base never depends on one backend.
import type { EncodedModel } from '../graph/encode-onnx.js';
import type { HostTensor } from '../host-tensor.js';

export type Device = 'cpu' | 'cuda' | 'webgpu';
export const DEVICES: readonly Device[] = ['cpu', 'cuda', 'webgpu'];

export interface SessionOptions {
  readonly device: Device;
  /** Intra-op threads; default: ORT's choice (all cores). */
  readonly threads?: number;
  /**
   * Free activation memory after every run instead of keeping it in a growing arena
   * (no CPU arena, no memory pattern): for graphs with very large activations run a
   * few times, like the VAE chunks, where the arena's growth dominates peak memory.
   */
  readonly lowMemory?: boolean;
}

/**
 * A compiled graph bound to a device. `run` is not re-entrant: callers run one
 * request at a time per session (ORT sessions are, but our memory budget is not).
 */
export interface Session {
  readonly device: Device;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(
    feeds: Readonly<Record<string, HostTensor>>,
    opts?: { signal?: AbortSignal },
  ): Promise<Record<string, HostTensor>>;
  dispose(): Promise<void>;
}

export interface Runtime {
  readonly name: string;
  /** Devices this runtime has a backend for (they may still fail to initialise). */
  supportedDevices(): readonly Device[];
  createSession(model: EncodedModel, opts: SessionOptions): Promise<Session>;
}
