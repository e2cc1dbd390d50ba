// Runs a training configuration file: the library behind `wanjs train`.
import { mkdir } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { randomWeights } from '../bench/random-weights.js';
import { InputError } from '../engine/errors.js';
import { type HostTensor, shapeText, toFloat32 } from '../engine/host-tensor.js';
import { checkWeights } from '../engine/program.js';
import type { Device, Runtime } from '../engine/runtime/runtime.js';
import { openCheckpoint } from '../engine/weights/open-checkpoint.js';
import { readSafetensors, writeSafetensors } from '../engine/weights/safetensors.js';
import { WanDiT } from '../models/wan/dit/model.js';
import { ditDiffusersToOfficial } from '../models/wan/keymaps/dit.js';
import { initLoraParams, loraFromParams, selectLoraModules } from '../models/wan/lora/train.js';
import { writeLora } from '../models/wan/lora/write.js';
import type { TrainFileConfig } from './config.js';
import { type DitExample, DitFlowMatching } from './dit-flow.js';
import { TrainRng } from './rng.js';
import { arrayDataset, toyDitData } from './toy.js';
import { type TrainResult, train } from './train.js';
import type { Dataset, StepInfo } from './types.js';

export interface RunConfigOptions {
  readonly runtime: Runtime;
  /** Folder that relative paths in the config are resolved against. */
  readonly baseDir: string;
  readonly resume?: boolean;
  readonly device?: Device;
  /** Overrides train.threads. */
  readonly threads?: number;
  /** The config as written (stored in checkpoints). */
  readonly raw?: unknown;
  readonly signal?: AbortSignal;
  readonly onStep?: (info: StepInfo) => void;
}

export interface RunConfigResult {
  readonly result: TrainResult;
  /** Files written: final weights (or LoRA), EMA weights, log, plot. */
  readonly files: Readonly<Record<string, string>>;
  /** Scalars in the parameters the trainer held (adapters only, for LoRA). */
  readonly paramCount: number;
}

async function loadData(cfg: TrainFileConfig, baseDir: string): Promise<Dataset<DitExample>> {
  const d = cfg.data;
  if (d.type === 'toy') {
    return arrayDataset(
      toyDitData({
        count: d.count,
        grid: d.grid,
        channels: cfg.model.dit.inDim,
        textDim: cfg.model.dit.textDim,
        contextTokens: d.contextTokens,
        seed: d.seed,
      }),
    );
  }
  const file = at(baseDir, d.file);
  const { tensors } = await readSafetensors(file);
  const items: DitExample[] = [];
  for (let i = 0; tensors.has(`latent.${i}`); i++) {
    const context = tensors.get(`context.${i}`);
    if (!context) throw new InputError(`${file}: 'latent.${i}' has no 'context.${i}'`);
    items.push({ latent: toFloat32(tensors.get(`latent.${i}`) as HostTensor), context: toFloat32(context) });
  }
  if (items.length === 0) throw new InputError(`${file}: no 'latent.0' tensor (expected latent.{i} and context.{i})`);
  return arrayDataset(items);
}

/** Initial weights: from a checkpoint (official or diffusers names, any float dtype) or random. */
async function initialWeights(cfg: TrainFileConfig, baseDir: string): Promise<Map<string, HostTensor>> {
  const declared = WanDiT.declaredParams(cfg.model.dit);
  if (!cfg.model.init) return randomWeights(declared, cfg.model.initSeed);
  const src = await openCheckpoint(at(baseDir, cfg.model.init));
  try {
    const byOfficial = new Map<string, string>();
    for (const k of src.keys()) byOfficial.set(declared.has(k) ? k : (ditDiffusersToOfficial(k) ?? k), k);
    const out = new Map<string, HostTensor>();
    for (const [name, shape] of declared) {
      const key = byOfficial.get(name);
      if (!key) continue;
      const t = toFloat32(await src.read(key));
      if (shapeText(t.shape) !== shapeText(shape)) {
        throw new InputError(`${src.path}: '${key}' is ${shapeText(t.shape)}, the model needs ${shapeText(shape)}`);
      }
      out.set(name, t);
    }
    checkWeights(declared, out);
    return out;
  } finally {
    await src.close();
  }
}

function at(base: string, p: string): string {
  return isAbsolute(p) ? p : resolve(base, p);
}

/** Trains as the config says; writes checkpoints, log, plot and final weights under output.dir. */
export async function runTrainConfig(cfg: TrainFileConfig, o: RunConfigOptions): Promise<RunConfigResult> {
  const outDir = at(o.baseDir, cfg.output.dir);
  await mkdir(outDir, { recursive: true });
  const data = await loadData(cfg, o.baseDir);
  const init = await initialWeights(cfg, o.baseDir);
  const declared = WanDiT.declaredParams(cfg.model.dit);
  const lora = cfg.lora;
  const modules = lora ? selectLoraModules(declared, lora.targets) : [];
  const params = lora ? initLoraParams(declared, modules, lora.rank, new TrainRng(cfg.seed + 1)) : init;
  const model = new DitFlowMatching(cfg.model.dit, {
    runtime: o.runtime,
    device: o.device,
    threads: o.threads ?? cfg.threads,
    shift: cfg.shift,
    checkpointing: cfg.checkpointing,
    base: lora ? init : undefined,
    lora: lora ? { modules, rank: lora.rank, alpha: lora.alpha } : undefined,
  });
  const files: Record<string, string> = {
    log: join(outDir, 'loss.jsonl'),
    plot: join(outDir, 'loss.png'),
    checkpoints: join(outDir, 'checkpoints'),
  };
  try {
    const result = await train({
      model,
      params,
      data,
      steps: cfg.steps,
      batchSize: cfg.batchSize,
      gradAccum: cfg.gradAccum,
      optimizer: cfg.optimizer,
      schedule: cfg.schedule,
      clipGradNorm: cfg.clipGradNorm,
      train: cfg.train,
      freeze: cfg.freeze,
      ema: cfg.ema,
      seed: cfg.seed,
      checkpoint: { dir: files.checkpoints, every: cfg.output.checkpointEvery, keep: cfg.output.keep },
      resume: o.resume === true,
      log: files.log,
      plot: files.plot,
      config: o.raw,
      signal: o.signal,
      onStep: o.onStep,
    });
    const meta = { 'wanjs.steps': String(result.step) };
    if (lora) {
      files.lora = join(outDir, 'lora.safetensors');
      await writeLora(files.lora, loraFromParams(result.params, modules, lora.alpha), {
        style: lora.format,
        metadata: meta,
      });
      if (result.ema) {
        files.loraEma = join(outDir, 'lora-ema.safetensors');
        await writeLora(files.loraEma, loraFromParams(result.ema, modules, lora.alpha), {
          style: lora.format,
          metadata: meta,
        });
      }
    } else {
      files.weights = join(outDir, 'model.safetensors');
      await writeSafetensors(files.weights, result.params, meta);
      if (result.ema) {
        files.ema = join(outDir, 'model-ema.safetensors');
        await writeSafetensors(files.ema, new Map([...result.params, ...result.ema]), meta);
      }
    }
    let paramCount = 0;
    for (const t of params.values()) paramCount += t.size;
    return { result, files, paramCount };
  } finally {
    await model.dispose();
  }
}
