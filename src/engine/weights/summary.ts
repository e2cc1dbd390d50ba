// Totals over a checkpoint for `wanjs inspect`, computed from headers only.
import type { DType } from '../dtype.js';
import { numel } from '../host-tensor.js';
import type { TensorSource } from './tensor-source.js';

/** Counts over a group of tensors. */
export interface TensorStats {
  readonly tensors: number;
  /** Elements. */
  readonly parameters: number;
  readonly bytes: number;
}

/** Totals over a whole source, with a per-dtype breakdown. */
export interface SourceSummary extends TensorStats {
  /** Per stored dtype, only dtypes that occur. */
  readonly dtypes: Readonly<Partial<Record<DType, TensorStats>>>;
}

/** Counts tensors, elements and bytes, in total and per dtype. Reads no tensor data. */
export function summarizeSource(source: Pick<TensorSource, 'keys' | 'info'>): SourceSummary {
  const dtypes: Partial<Record<DType, { tensors: number; parameters: number; bytes: number }>> = {};
  let tensors = 0;
  let parameters = 0;
  let bytes = 0;
  for (const key of source.keys()) {
    const { dtype, shape, byteLength } = source.info(key);
    const n = numel(shape);
    const s = dtypes[dtype] ?? { tensors: 0, parameters: 0, bytes: 0 };
    s.tensors++;
    s.parameters += n;
    s.bytes += byteLength;
    dtypes[dtype] = s;
    tensors++;
    parameters += n;
    bytes += byteLength;
  }
  return { tensors, parameters, bytes, dtypes };
}
