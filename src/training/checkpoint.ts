// Trainer checkpoints as safetensors: parameters, AdamW moments and EMA weights
// as tensors (`param.<name>`, `adam_m.<name>`, `adam_v.<name>`, `ema.<name>`),
// and everything else (step, RNG state, data cursor, config) as JSON in the
// metadata key `wanjs.training`. Restoring all of it makes a resumed run repeat
// the uninterrupted run bit for bit.
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckpointError } from '../engine/errors.js';
import { HostTensor } from '../engine/host-tensor.js';
import { readSafetensors, writeSafetensors } from '../engine/weights/safetensors.js';
import type { DataCursor } from './data-order.js';
import type { RngState } from './rng.js';

export const CHECKPOINT_FORMAT = 1;
const META_KEY = 'wanjs.training';

export interface TrainerState {
  /** Optimiser steps completed. */
  step: number;
  params: Map<string, HostTensor>;
  m: Map<string, Float32Array>;
  v: Map<string, Float32Array>;
  ema?: Map<string, Float32Array>;
  rng: RngState;
  cursor: DataCursor;
}

export interface CheckpointMeta {
  readonly format: number;
  readonly step: number;
  readonly rng: RngState;
  readonly cursor: DataCursor;
  /** Trainable parameter names at save time. */
  readonly trainable: readonly string[];
  /** The caller's configuration (e.g. the CLI config file), stored verbatim. */
  readonly config?: unknown;
}

/** File name of the checkpoint after `step` steps. */
export function checkpointName(step: number): string {
  return `step-${String(step).padStart(8, '0')}.safetensors`;
}

/** Writes a checkpoint atomically (temporary file, then rename); returns its path. */
export async function saveCheckpoint(
  dir: string,
  state: TrainerState,
  trainable: readonly string[],
  config?: unknown,
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const tensors = new Map<string, HostTensor>();
  for (const [k, p] of state.params) tensors.set(`param.${k}`, p);
  const shapeOf = (k: string): readonly number[] => (state.params.get(k) as HostTensor).shape;
  for (const [k, m] of state.m) tensors.set(`adam_m.${k}`, new HostTensor('float32', shapeOf(k), m));
  for (const [k, v] of state.v) tensors.set(`adam_v.${k}`, new HostTensor('float32', shapeOf(k), v));
  for (const [k, e] of state.ema ?? []) tensors.set(`ema.${k}`, new HostTensor('float32', shapeOf(k), e));
  const meta: CheckpointMeta = {
    format: CHECKPOINT_FORMAT,
    step: state.step,
    rng: state.rng,
    cursor: state.cursor,
    trainable,
    config,
  };
  const path = join(dir, checkpointName(state.step));
  const tmp = `${path}.tmp`;
  await writeSafetensors(tmp, tensors, { [META_KEY]: JSON.stringify(meta) });
  await rename(tmp, path);
  return path;
}

/** Reads a checkpoint written by `saveCheckpoint`. */
export async function loadCheckpoint(path: string): Promise<{ state: TrainerState; meta: CheckpointMeta }> {
  const { metadata, tensors } = await readSafetensors(path);
  const raw = metadata[META_KEY];
  if (!raw) throw new CheckpointError(path, `not a wanjs training checkpoint (no '${META_KEY}' metadata)`);
  let meta: CheckpointMeta;
  try {
    meta = JSON.parse(raw) as CheckpointMeta;
  } catch (e) {
    throw new CheckpointError(path, `metadata '${META_KEY}' is not JSON (${(e as Error).message})`);
  }
  if (meta.format !== CHECKPOINT_FORMAT) {
    throw new CheckpointError(path, `checkpoint format ${meta.format}, this version reads ${CHECKPOINT_FORMAT}`);
  }
  const params = new Map<string, HostTensor>();
  const m = new Map<string, Float32Array>();
  const v = new Map<string, Float32Array>();
  const ema = new Map<string, Float32Array>();
  for (const [k, t] of tensors) {
    if (t.dtype !== 'float32') throw new CheckpointError(path, `tensor '${k}' is ${t.dtype}, expected float32`);
    const dot = k.indexOf('.');
    const kind = k.slice(0, dot);
    const name = k.slice(dot + 1);
    // copy: the file buffer is shared by all tensors, parameters are updated in place
    const data = (t.data as Float32Array).slice();
    if (kind === 'param') params.set(name, new HostTensor('float32', t.shape, data));
    else if (kind === 'adam_m') m.set(name, data);
    else if (kind === 'adam_v') v.set(name, data);
    else if (kind === 'ema') ema.set(name, data);
    else throw new CheckpointError(path, `unexpected tensor '${k}'`);
  }
  return {
    state: { step: meta.step, params, m, v, ema: ema.size ? ema : undefined, rng: meta.rng, cursor: meta.cursor },
    meta,
  };
}

/** The newest checkpoint in a folder, or undefined. */
export async function latestCheckpoint(dir: string): Promise<string | undefined> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return undefined;
  }
  const steps = names.filter((n) => /^step-\d+\.safetensors$/.test(n)).sort();
  return steps.length ? join(dir, steps[steps.length - 1]) : undefined;
}

/** Deletes all but the newest `keep` checkpoints. */
export async function pruneCheckpoints(dir: string, keep: number): Promise<void> {
  const names = (await readdir(dir)).filter((n) => /^step-\d+\.safetensors$/.test(n)).sort();
  for (const n of names.slice(0, Math.max(0, names.length - keep))) await rm(join(dir, n), { force: true });
}
