// The one interface every checkpoint format is read through, so model code
// never cares whether weights come from safetensors, a torch zip pickle or a
// sharded index.
import type { DType } from '../dtype.js';
import type { HostTensor } from '../host-tensor.js';

/** How a source is stored on disk. */
export type CheckpointFormat = 'safetensors' | 'pytorch' | 'sharded';

/** What a tensor is, known without reading its data. */
export interface TensorInfo {
  readonly dtype: DType;
  readonly shape: readonly number[];
  /** Bytes of the dense tensor in its stored dtype. */
  readonly byteLength: number;
}

/** A set of named tensors read lazily from disk. Close it (or `await using`). */
export interface TensorSource extends AsyncDisposable {
  /** The file that was opened (the index file for sharded checkpoints). */
  readonly path: string;
  readonly format: CheckpointFormat;
  /** Tensor names, in file order. */
  keys(): string[];
  has(key: string): boolean;
  /** Throws CheckpointError for an unknown key. */
  info(key: string): TensorInfo;
  /** Reads one tensor into fresh host memory, in its stored dtype (dense, row-major). */
  read(key: string): Promise<HostTensor>;
  close(): Promise<void>;
}
