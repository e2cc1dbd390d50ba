// The training loop: micro-batches in a seeded order, gradient accumulation,
// global-norm clipping, AdamW with a warm-up + cosine schedule, optional EMA,
// JSONL loss log, PNG loss curve and resumable safetensors checkpoints.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InputError, throwIfAborted } from '../engine/errors.js';
import { HostTensor } from '../engine/host-tensor.js';
import { type AdamWConfig, adamwStep, checkAdamW, cloneParams } from './adamw.js';
import { latestCheckpoint, loadCheckpoint, pruneCheckpoints, saveCheckpoint, type TrainerState } from './checkpoint.js';
import { nextIndices } from './data-order.js';
import { accumulateGrads, asTensors, clipFactor, globalNorm, scaleGrads } from './grad-math.js';
import { appendLossLog, truncateLossLog } from './loss-log.js';
import { nameMatcher, selectTrainable } from './patterns.js';
import { plotLossPng } from './plot.js';
import { TrainRng } from './rng.js';
import { type LrSchedule, lrAt } from './schedule.js';
import type { Dataset, StepInfo, TrainableModel } from './types.js';

export interface CheckpointOptions {
  /** Folder of `step-NNNNNNNN.safetensors` files. */
  readonly dir: string;
  /** Save every this many steps (0: only at the end). */
  readonly every?: number;
  /** Keep only the newest this many (default: all). */
  readonly keep?: number;
}

export interface TrainOptions<T> {
  readonly model: TrainableModel<T>;
  /** Initial values of the parameters the trainer holds (float32); frozen ones included. */
  readonly params: ReadonlyMap<string, HostTensor>;
  readonly data: Dataset<T>;
  /** Total optimiser steps. */
  readonly steps: number;
  /** Examples per micro-batch (default 1). */
  readonly batchSize?: number;
  /** Micro-batches per optimiser step; their gradients are averaged (default 1). */
  readonly gradAccum?: number;
  readonly optimizer: AdamWConfig & {
    /** Parameter patterns exempt from weight decay (e.g. `**.bias`, `**norm**`). */
    readonly noDecay?: readonly string[];
  };
  /** Default: constant optimizer.lr. */
  readonly schedule?: Omit<LrSchedule, 'lr'>;
  /** Clip the global gradient norm to this value. */
  readonly clipGradNorm?: number;
  /** Only parameters matching these patterns train (default all). */
  readonly train?: readonly string[];
  /** Parameters matching these patterns stay frozen. */
  readonly freeze?: readonly string[];
  /** Exponential moving average of the trainable weights. */
  readonly ema?: { readonly decay: number };
  /** Seeds data order and the model's noise (default 0). */
  readonly seed?: number;
  /** Shuffle examples each epoch (default true). */
  readonly shuffle?: boolean;
  readonly checkpoint?: CheckpointOptions;
  /** Resume from this checkpoint file, or `true` for the newest one in checkpoint.dir. */
  readonly resume?: string | boolean;
  /** JSONL loss log path. */
  readonly log?: string;
  /** PNG loss-curve path (written with every checkpoint and at the end). */
  readonly plot?: string;
  /** Stored in checkpoint metadata. */
  readonly config?: unknown;
  readonly signal?: AbortSignal;
  readonly onStep?: (info: StepInfo) => void | Promise<void>;
}

export interface TrainResult {
  readonly params: Map<string, HostTensor>;
  /** EMA weights of the trainable parameters (when `ema` was set). */
  readonly ema?: Map<string, HostTensor>;
  readonly step: number;
  /** Entries of this run (and, when resumed, of the log before it). */
  readonly history: readonly StepInfo[];
  /** Path of the last checkpoint written. */
  readonly checkpoint?: string;
  readonly resumedFrom?: number;
}

function validate<T>(o: TrainOptions<T>): void {
  const int = (k: string, v: number | undefined, min: number): void => {
    if (v !== undefined && (!Number.isInteger(v) || v < min))
      throw new InputError(`${k} must be an integer >= ${min}, got ${v}`);
  };
  int('steps', o.steps, 0);
  int('batchSize', o.batchSize, 1);
  int('gradAccum', o.gradAccum, 1);
  int('checkpoint.every', o.checkpoint?.every, 0);
  int('checkpoint.keep', o.checkpoint?.keep, 1);
  checkAdamW(o.optimizer);
  if (o.data.length < 1) throw new InputError('training data set is empty');
  if (o.ema && !(o.ema.decay >= 0 && o.ema.decay < 1))
    throw new InputError(`ema.decay must be in [0, 1), got ${o.ema.decay}`);
  if (o.clipGradNorm !== undefined && !(o.clipGradNorm > 0))
    throw new InputError(`clipGradNorm must be > 0, got ${o.clipGradNorm}`);
  if (o.resume === true && !o.checkpoint) throw new InputError('resume: true needs checkpoint.dir');
}

/** Trains `model`; see TrainOptions. Deterministic for a given seed, and resumable exactly. */
export async function train<T>(o: TrainOptions<T>): Promise<TrainResult> {
  validate(o);
  const seed = o.seed ?? 0;
  const trainable = selectTrainable(o.params.keys(), o.train, o.freeze);
  if (trainable.size === 0) throw new InputError('no trainable parameters (check train/freeze patterns)');
  const trainableList = [...trainable].sort();
  const decay = o.optimizer.noDecay?.length
    ? (
        (m) => (n: string) =>
          !m(n)
      )(nameMatcher(o.optimizer.noDecay))
    : () => true;

  let state: TrainerState;
  let resumedFrom: number | undefined;
  const resumePath =
    o.resume === true ? await latestCheckpoint((o.checkpoint as CheckpointOptions).dir) : o.resume || undefined;
  if (resumePath) {
    const { state: s } = await loadCheckpoint(resumePath);
    for (const k of o.params.keys()) {
      if (!s.params.has(k)) throw new InputError(`resume: checkpoint ${resumePath} has no parameter '${k}'`);
    }
    state = s;
    resumedFrom = s.step;
    if (o.ema && !state.ema) throw new InputError(`resume: checkpoint ${resumePath} has no EMA weights but ema is set`);
  } else {
    state = {
      step: 0,
      params: cloneParams(o.params),
      m: new Map(),
      v: new Map(),
      ema: o.ema
        ? new Map(trainableList.map((k) => [k, (o.params.get(k) as HostTensor).data.slice() as Float32Array]))
        : undefined,
      rng: new TrainRng(seed).state(),
      cursor: { epoch: 0, position: 0 },
    };
  }
  const rng = TrainRng.fromState(state.rng);
  const history: StepInfo[] = [];
  if (o.log) history.push(...(await truncateLossLog(o.log, state.step)));

  const writePlot = async (): Promise<void> => {
    if (!o.plot) return;
    await mkdir(dirname(o.plot), { recursive: true });
    await writeFile(o.plot, plotLossPng(history));
  };
  let lastCheckpoint: string | undefined;
  const save = async (): Promise<void> => {
    if (!o.checkpoint) return;
    state.rng = rng.state();
    lastCheckpoint = await saveCheckpoint(o.checkpoint.dir, state, trainableList, o.config);
    if (o.checkpoint.keep) await pruneCheckpoints(o.checkpoint.dir, o.checkpoint.keep);
    await writePlot();
  };

  const accum = o.gradAccum ?? 1;
  const batchSize = o.batchSize ?? 1;
  const schedule: LrSchedule = { decay: 'constant', ...o.schedule, lr: o.optimizer.lr };
  while (state.step < o.steps) {
    throwIfAborted(o.signal);
    const t0 = performance.now();
    const lr = lrAt(state.step, schedule, o.steps);
    const acc = new Map<string, Float32Array>();
    let lossSum = 0;
    for (let a = 0; a < accum; a++) {
      const next = nextIndices(o.data.length, seed, state.cursor, batchSize, o.shuffle ?? true);
      state.cursor = next.cursor;
      const batch = await Promise.all(next.indices.map((i) => o.data.get(i)));
      const r = await o.model.lossAndGrads(state.params, batch, { rng, trainable, signal: o.signal });
      if (!Number.isFinite(r.loss)) throw new InputError(`step ${state.step + 1}: the loss is ${r.loss}`);
      lossSum += r.loss;
      accumulateGrads(acc, r.grads, trainable);
    }
    scaleGrads(acc, 1 / accum);
    const norm = globalNorm(acc);
    const clip = clipFactor(norm, o.clipGradNorm);
    scaleGrads(acc, clip);
    const step = state.step + 1;
    adamwStep(state.params, asTensors(acc, state.params), state, o.optimizer, lr, step, decay);
    if (state.ema && o.ema) {
      const d = o.ema.decay;
      for (const [k, e] of state.ema) {
        const p = (state.params.get(k) as HostTensor).data as Float32Array;
        for (let i = 0; i < e.length; i++) e[i] = d * e[i] + (1 - d) * p[i];
      }
    }
    state.step = step;
    const info: StepInfo = {
      step,
      loss: lossSum / accum,
      lr,
      gradNorm: norm,
      clipped: clip < 1,
      epoch: state.cursor.epoch,
      ms: Math.round((performance.now() - t0) * 10) / 10,
    };
    history.push(info);
    if (o.log) await appendLossLog(o.log, info);
    await o.onStep?.(info);
    const every = o.checkpoint?.every ?? 0;
    if (every > 0 && step % every === 0) await save();
  }
  if (o.checkpoint && !lastCheckpoint?.endsWith(`${String(state.step).padStart(8, '0')}.safetensors`)) {
    await save();
  } else await writePlot();
  return {
    params: state.params,
    ema: state.ema
      ? new Map(
          [...state.ema].map(([k, e]) => [k, new HostTensor('float32', (state.params.get(k) as HostTensor).shape, e)]),
        )
      : undefined,
    step: state.step,
    history,
    checkpoint: lastCheckpoint,
    resumedFrom,
  };
}
