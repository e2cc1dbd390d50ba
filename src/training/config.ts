// The training configuration file read by `wanjs train` (JSON). Documented in
// docs/training.md; paths are relative to the file's folder.
import { InputError } from '../engine/errors.js';
import { ditConfigFromJson, isPresetName, WAN_PRESETS, type WanDitConfig } from '../models/wan/dit/config.js';
import type { LoraKeyStyle } from '../models/wan/lora/names.js';
import type { AdamWConfig } from './adamw.js';
import type { LrSchedule } from './schedule.js';

export type DataConfig =
  | {
      readonly type: 'toy';
      readonly count: number;
      readonly grid: readonly [number, number, number];
      readonly contextTokens: number;
      readonly seed: number;
    }
  | {
      /** Tensors `latent.{i}` [C, F, H, W] and `context.{i}` [S, text_dim], i = 0, 1, … */
      readonly type: 'safetensors';
      readonly file: string;
    };

export interface TrainFileConfig {
  readonly model: {
    readonly dit: WanDitConfig;
    /** Initial (or, with LoRA, base) weights; random init when absent. */
    readonly init?: string;
    readonly initSeed: number;
  };
  readonly data: DataConfig;
  readonly lora?: {
    readonly targets: readonly string[];
    readonly rank: number;
    readonly alpha: number;
    readonly format: LoraKeyStyle;
  };
  readonly steps: number;
  readonly batchSize: number;
  readonly gradAccum: number;
  readonly seed: number;
  readonly optimizer: AdamWConfig & { readonly noDecay?: readonly string[] };
  readonly schedule: Omit<LrSchedule, 'lr'>;
  readonly clipGradNorm?: number;
  readonly train?: readonly string[];
  readonly freeze?: readonly string[];
  readonly ema?: { readonly decay: number };
  /** Timestep shift of the training σ distribution. */
  readonly shift: number;
  readonly checkpointing: boolean;
  readonly threads: number;
  readonly output: {
    readonly dir: string;
    readonly checkpointEvery: number;
    readonly keep?: number;
  };
}

type Obj = Readonly<Record<string, unknown>>;

function obj(v: unknown, where: string): Obj {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new InputError(`${where}: expected an object`);
  return v as Obj;
}

function num(o: Obj, k: string, where: string, fallback?: number, min = Number.NEGATIVE_INFINITY): number {
  const v = o[k];
  if (v === undefined) {
    if (fallback === undefined) throw new InputError(`${where}.${k}: required`);
    return fallback;
  }
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min) {
    throw new InputError(`${where}.${k}: expected a number >= ${min}, got ${JSON.stringify(v)}`);
  }
  return v;
}

function int(o: Obj, k: string, where: string, fallback?: number, min = 0): number {
  const v = num(o, k, where, fallback, min);
  if (!Number.isInteger(v)) throw new InputError(`${where}.${k}: expected an integer, got ${v}`);
  return v;
}

function strs(o: Obj, k: string, where: string): string[] | undefined {
  const v = o[k];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
    throw new InputError(`${where}.${k}: expected a list of strings, got ${JSON.stringify(v)}`);
  }
  return v as string[];
}

function str(o: Obj, k: string, where: string, fallback?: string): string {
  const v = o[k];
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== 'string' || v.length === 0)
    throw new InputError(`${where}.${k}: expected a string, got ${JSON.stringify(v)}`);
  return v;
}

const KNOWN_TOP = new Set(['model', 'data', 'lora', 'train', 'output']);

/** Validates a parsed config file; errors name the field. */
export function parseTrainConfig(json: unknown): TrainFileConfig {
  const root = obj(json, 'config');
  for (const k of Object.keys(root)) {
    if (!KNOWN_TOP.has(k)) throw new InputError(`config: unknown key '${k}' (expected ${[...KNOWN_TOP].join(', ')})`);
  }
  const m = obj(root.model, 'model');
  let dit: WanDitConfig;
  if (m.preset !== undefined) {
    const p = str(m, 'preset', 'model');
    if (!isPresetName(p))
      throw new InputError(`model.preset: unknown preset '${p}' (${Object.keys(WAN_PRESETS).join(', ')})`);
    dit = m.dit ? ditConfigFromJson(obj(m.dit, 'model.dit'), WAN_PRESETS[p]) : WAN_PRESETS[p];
  } else dit = ditConfigFromJson(obj(m.dit, 'model.dit'));

  const d = obj(root.data, 'data');
  const type = str(d, 'type', 'data');
  let data: DataConfig;
  if (type === 'toy') {
    const g = d.grid ?? [1, 4, 4];
    if (!Array.isArray(g) || g.length !== 3 || !g.every((x) => Number.isInteger(x) && x > 0)) {
      throw new InputError(`data.grid: expected three positive integers, got ${JSON.stringify(g)}`);
    }
    data = {
      type,
      count: int(d, 'count', 'data', 8, 1),
      grid: [g[0], g[1], g[2]],
      contextTokens: int(d, 'contextTokens', 'data', Math.min(2, dit.textLen), 1),
      seed: int(d, 'seed', 'data', 0),
    };
    if (data.contextTokens > dit.textLen) {
      throw new InputError(`data.contextTokens ${data.contextTokens} exceeds the model's text_len ${dit.textLen}`);
    }
  } else if (type === 'safetensors') data = { type, file: str(d, 'file', 'data') };
  else throw new InputError(`data.type: expected "toy" or "safetensors", got ${JSON.stringify(type)}`);

  let lora: TrainFileConfig['lora'];
  if (root.lora !== undefined) {
    const l = obj(root.lora, 'lora');
    const rank = int(l, 'rank', 'lora', 16, 1);
    const format = str(l, 'format', 'lora', 'diffusers');
    if (format !== 'diffusers' && format !== 'original' && format !== 'kohya') {
      throw new InputError(`lora.format: expected diffusers, original or kohya, got ${JSON.stringify(format)}`);
    }
    lora = {
      targets: strs(l, 'targets', 'lora') ?? ['blocks.*.self_attn.*', 'blocks.*.cross_attn.*', 'blocks.*.ffn.*'],
      rank,
      alpha: num(l, 'alpha', 'lora', rank, 0),
      format,
    };
  }

  const t = obj(root.train ?? {}, 'train');
  const o = obj(t.optimizer ?? {}, 'train.optimizer');
  const s = obj(t.schedule ?? {}, 'train.schedule');
  const decay = str(s, 'decay', 'train.schedule', 'cosine');
  if (decay !== 'cosine' && decay !== 'linear' && decay !== 'constant') {
    throw new InputError(`train.schedule.decay: expected cosine, linear or constant, got ${JSON.stringify(decay)}`);
  }
  const out = obj(root.output ?? {}, 'output');
  const ema =
    t.ema === undefined ? undefined : { decay: num(obj(t.ema, 'train.ema'), 'decay', 'train.ema', undefined, 0) };
  const init = m.init === undefined ? undefined : str(m, 'init', 'model');
  if (lora && !init) throw new InputError('lora: training adapters needs model.init (the base weights)');
  return {
    model: { dit, init, initSeed: int(m, 'initSeed', 'model', 0) },
    data,
    lora,
    steps: int(t, 'steps', 'train', 100, 1),
    batchSize: int(t, 'batchSize', 'train', 1, 1),
    gradAccum: int(t, 'gradAccum', 'train', 1, 1),
    seed: int(t, 'seed', 'train', 0),
    optimizer: {
      lr: num(o, 'lr', 'train.optimizer', 1e-4, 0),
      beta1: num(o, 'beta1', 'train.optimizer', 0.9, 0),
      beta2: num(o, 'beta2', 'train.optimizer', 0.999, 0),
      eps: num(o, 'eps', 'train.optimizer', 1e-8, 0),
      weightDecay: num(o, 'weightDecay', 'train.optimizer', 0.01, 0),
      noDecay: strs(o, 'noDecay', 'train.optimizer'),
    },
    schedule: {
      warmupSteps: int(s, 'warmupSteps', 'train.schedule', 0),
      totalSteps: s.totalSteps === undefined ? undefined : int(s, 'totalSteps', 'train.schedule'),
      minLr: num(s, 'minLr', 'train.schedule', 0, 0),
      decay,
    },
    clipGradNorm: t.clipGradNorm === undefined ? undefined : num(t, 'clipGradNorm', 'train', undefined, 0),
    train: strs(t, 'trainOnly', 'train'),
    freeze: strs(t, 'freeze', 'train'),
    ema,
    shift: num(t, 'shift', 'train', 3, 0),
    checkpointing: t.checkpointing === undefined ? true : t.checkpointing === true,
    threads: int(t, 'threads', 'train', 1, 1),
    output: {
      dir: str(out, 'dir', 'output', 'runs/train'),
      checkpointEvery: int(out, 'checkpointEvery', 'output', 100),
      keep: out.keep === undefined ? undefined : int(out, 'keep', 'output', undefined, 1),
    },
  };
}
