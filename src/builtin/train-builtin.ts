// `npm run train:builtin`: trains the built-in model from scratch with our own
// trainer, in resumable phases, and writes the model folder.
//   1. VAE on single frames (the first-chunk path; cheap: learns the spatial code)
//   2. VAE on short clips (learns the 4× temporal compression)
//   3. encode the training clips to latents once; then widen the VAE (same latents) and train
//      its decoder on with the encoder frozen; fold the latent statistics into the VAE
//   4. text encoder + TI2V DiT jointly (flow matching, both languages, guidance dropout, i2v),
//      then object-weighted rounds
// Each phase checkpoints as it goes and leaves `final.safetensors` when done, so an
// interrupted run picks up where it stopped and repeats the same bits.

import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HostTensor } from '../engine/host-tensor.js';
import { Program } from '../engine/program.js';
import type { Runtime } from '../engine/runtime/runtime.js';
import { WAN21_VAE, type WanVaeConfig } from '../models/wan/vae/config.js';
import { WanVae } from '../models/wan/vae/model.js';
import { Umt5PromptTokenizer } from '../tokenizers/umt5-prompt-tokenizer.js';
import { readLossLog } from '../training/loss-log.js';
import { train } from '../training/train.js';
import type { Dataset, StepInfo, TrainableModel } from '../training/types.js';
import type { Clip } from '../world/clip.js';
import { datasetSample } from '../world/dataset.js';
import type { Scene } from '../world/scene.js';
import { BUILTIN_FILES, writeBuiltinFolder } from './export.js';
import { initJointParams, isTextParam } from './joint-init.js';
import { JointFlowMatching, type LatentExample, latentObjectMask } from './joint-train.js';
import { encodeLatentSet, latentAt, loadLatentSet, saveLatentSet } from './latents.js';
import { readPhaseFile, writePhaseFile } from './phase-file.js';
import {
  BUILTIN_RECIPE,
  type BuiltinRecipe,
  ditConfig,
  focusRound,
  type PhaseRecipe,
  rawVaeConfig,
  textConfig,
  wideVaeConfig,
} from './recipe.js';
import { initProbeParams, PROBE_PREFIX, TextProbe } from './text-probe.js';
import { builtinTokenizer } from './tokenizer.js';
import { foldLatentNorm, type LatentNorm, latentStats } from './vae-fold.js';
import { initVaeParams } from './vae-init.js';
import { type VaeExample, VaeTrainer, type VaeTrainOptions } from './vae-train.js';
import { widenVaeDecoder, widenVaeEncoder } from './vae-widen.js';

export interface TrainBuiltinOptions {
  readonly runtime: Runtime;
  /** Checkpoints, logs and the latent cache (keep it to resume). */
  readonly workDir: string;
  /** Where the model folder is written. */
  readonly outDir: string;
  readonly recipe?: BuiltinRecipe;
  readonly signal?: AbortSignal;
  readonly log?: (line: string) => void;
}

/** Parameters the joint phases keep out of weight decay. */
const JOINT_NO_DECAY = ['**.bias', '/norm/', '**.modulation', 'token_embedding.weight', '/pos_embedding/'];

/** What one phase did. */
export interface PhaseReport {
  readonly name: string;
  readonly steps: number;
  /** Sum of the optimiser steps' wall times (all sessions of a resumed run). */
  readonly seconds: number;
  /** Mean loss of the last 5 % of steps. */
  readonly finalLoss: number;
  readonly firstLoss: number;
}

export interface TrainBuiltinReport {
  readonly phases: PhaseReport[];
  /** Seconds spent encoding the training clips. */
  readonly encodeSeconds: number;
  readonly latentNorm: LatentNorm;
  /** Loss-curve PNGs written into the model folder, by phase. */
  readonly curves: Record<string, string>;
}

interface PhaseResult {
  readonly params: Map<string, HostTensor>;
  readonly ema?: Map<string, HostTensor>;
  readonly report: PhaseReport;
}

function summarise(name: string, history: readonly StepInfo[]): PhaseReport {
  const tail = history.slice(Math.floor(history.length * 0.95));
  const head = history.slice(0, Math.max(1, Math.ceil(history.length * 0.02)));
  const mean = (h: readonly StepInfo[]) => h.reduce((s, e) => s + e.loss, 0) / Math.max(1, h.length);
  return {
    name,
    steps: history.length,
    seconds: history.reduce((s, e) => s + e.ms, 0) / 1000,
    finalLoss: mean(tail),
    firstLoss: mean(head),
  };
}

/** Runs (or resumes, or reloads when finished) one training phase in `dir`. */
async function runPhase<T>(
  name: string,
  dir: string,
  o: {
    model: TrainableModel<T>;
    params: Map<string, HostTensor>;
    data: Dataset<T>;
    phase: PhaseRecipe;
    seed: number;
    ema?: number;
    noDecay?: readonly string[];
    freeze?: readonly string[];
    signal?: AbortSignal;
    log?: (line: string) => void;
  },
): Promise<PhaseResult> {
  const final = join(dir, 'final.safetensors');
  const logPath = join(dir, 'loss.jsonl');
  if (existsSync(final)) {
    const weights = await readPhaseFile(final);
    o.log?.(`${name}: done earlier (${final})`);
    return { ...weights, report: summarise(name, await readLossLog(logPath)) };
  }
  await mkdir(dir, { recursive: true });
  const p = o.phase;
  const every = Math.max(1, Math.round(p.steps / 20));
  const res = await train({
    model: o.model,
    params: o.params,
    data: o.data,
    steps: p.steps,
    batchSize: p.batch,
    optimizer: { lr: p.lr, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: p.weightDecay, noDecay: o.noDecay },
    schedule: { warmupSteps: p.warmup, decay: 'cosine', minLr: p.minLr },
    clipGradNorm: p.clip,
    freeze: o.freeze,
    ema: o.ema ? { decay: o.ema } : undefined,
    seed: o.seed,
    checkpoint: { dir: join(dir, 'checkpoints'), every: Math.max(20, Math.round(p.steps / 20)), keep: 2 },
    resume: true,
    log: logPath,
    plot: join(dir, 'loss.png'),
    signal: o.signal,
    onStep: (s) => {
      if (s.step % every === 0 || s.step === p.steps) {
        o.log?.(
          `${name}: step ${s.step}/${p.steps}  loss ${s.loss.toFixed(4)}  lr ${s.lr.toExponential(2)}  ${s.ms.toFixed(0)} ms`,
        );
      }
    },
  });
  await writePhaseFile(final, res);
  return { params: res.params, ema: res.ema, report: summarise(name, res.history) };
}

/** A frame window of clip i: `frames` consecutive frames starting at a deterministic offset. */
function clipWindow(seed: string, i: number, r: BuiltinRecipe, frames: number): Clip {
  const { width, height } = r.video;
  const total = r.video.frames;
  const full = datasetSample({ seed, split: 'train', frames: total, width, height }, i).clip as Clip;
  if (frames === total) return full;
  const f0 = (i * 7) % (total - frames + 1);
  const plane = width * height;
  const data = new Float32Array(3 * frames * plane);
  for (let c = 0; c < 3; c++)
    data.set(full.data.subarray((c * total + f0) * plane, (c * total + f0 + frames) * plane), c * frames * plane);
  return { shape: [3, frames, height, width], data };
}

/** `n` frames of different clips (each at one of 5 instants), stacked as [3, n, H, W]. */
function imageStack(seed: string, i: number, r: BuiltinRecipe, n: number): Clip {
  const { width, height } = r.video;
  const plane = width * height;
  const data = new Float32Array(3 * n * plane);
  for (let j = 0; j < n; j++) {
    const k = i * n + j;
    const clip = datasetSample({ seed, split: 'train', frames: 5, width, height }, k).clip as Clip;
    const f = k % 5;
    for (let c = 0; c < 3; c++)
      data.set(clip.data.subarray((c * 5 + f) * plane, (c * 5 + f + 1) * plane), (c * n + j) * plane);
  }
  return { shape: [3, n, height, width], data };
}

/**
 * A VAE's two stages: single frames (phase `<name>-images`, the first-chunk path), then short clips
 * (`<name>-clips`), each in its own folder of `work`, with data and seeds named after the phase.
 */
async function trainVaeStages(
  name: string,
  o: {
    work: string;
    recipe: BuiltinRecipe;
    config: WanVaeConfig;
    params: Map<string, HostTensor>;
    images: BuiltinRecipe['vae']['images'];
    clips: BuiltinRecipe['vae']['clips'];
    trainer: Omit<VaeTrainOptions, 'images' | 'crop'>;
    /** Seed of the images stage; the clips stage uses the next one. */
    seed: number;
    freeze?: readonly string[];
    signal?: AbortSignal;
    log: (line: string) => void;
  },
): Promise<PhaseResult & { readonly reports: PhaseReport[] }> {
  const r = o.recipe;
  const imagesModel = new VaeTrainer(o.config, { ...o.trainer, images: true, crop: o.images.crop });
  const images = await runPhase<VaeExample>(`${name}-images`, join(o.work, `${name}-images`), {
    model: imagesModel,
    params: o.params,
    data: {
      length: o.images.steps * o.images.batch,
      get: (i) => ({ clip: imageStack(`${r.seed}:${name}-images`, i, r, o.images.perStep) }),
    },
    phase: o.images,
    seed: o.seed,
    freeze: o.freeze,
    signal: o.signal,
    log: o.log,
  });
  await imagesModel.dispose();
  const clipsModel = new VaeTrainer(o.config, { ...o.trainer, crop: o.clips.crop });
  const clips = await runPhase<VaeExample>(`${name}-clips`, join(o.work, `${name}-clips`), {
    model: clipsModel,
    params: images.params,
    data: {
      length: o.clips.steps * o.clips.batch,
      get: (i) => ({ clip: clipWindow(`${r.seed}:${name}-clips`, i, r, o.clips.frames) }),
    },
    phase: o.clips,
    seed: o.seed + 1,
    freeze: o.freeze,
    signal: o.signal,
    log: o.log,
  });
  await clipsModel.dispose();
  return { ...clips, reports: [images.report, clips.report] };
}

/** Trains every phase (resuming where a previous run stopped) and writes the model folder. */
export async function trainBuiltin(o: TrainBuiltinOptions): Promise<TrainBuiltinReport> {
  const r = o.recipe ?? BUILTIN_RECIPE;
  const log = o.log ?? (() => undefined);
  const vaeConfig = rawVaeConfig(r);
  const work = o.workDir;
  await mkdir(work, { recursive: true });
  const vaeOpts = { runtime: o.runtime, klWeight: r.vae.klWeight, objectWeight: r.vae.objectWeight, sample: false };

  // 1–2. VAE on single frames, then on short clips
  const clips = await trainVaeStages('vae', {
    work,
    recipe: r,
    config: vaeConfig,
    params: initVaeParams(WanVae.declaredParams(vaeConfig), r.seed),
    images: r.vae.images,
    clips: r.vae.clips,
    trainer: vaeOpts,
    seed: r.seed + 1,
    signal: o.signal,
    log,
  });

  // 3. Latents of the DiT's training clips, and their statistics
  const cachePath = join(work, 'latents.safetensors');
  const key = JSON.stringify({ seed: r.seed, count: r.clips, video: r.video, vae: r.vae });
  const t0 = performance.now();
  let set = await loadLatentSet(cachePath, key);
  let encodeSeconds = 0;
  if (!set) {
    const program = new Program(o.runtime, { device: 'cpu', threads: 1, maxSessions: 4 });
    const vae = new WanVae(vaeConfig, clips.params, program);
    set = await encodeLatentSet(vae, {
      seed: `${r.seed}:dit`,
      count: r.clips,
      frames: r.video.frames,
      width: r.video.width,
      height: r.video.height,
      signal: o.signal,
      onProgress: (d, n) => {
        if (d % 250 === 0 || d === n) log(`latents: ${d}/${n} clips encoded`);
      },
    });
    await program.dispose();
    encodeSeconds = (performance.now() - t0) / 1000;
    await saveLatentSet(cachePath, set, key);
    await writeFile(join(work, 'latents-seconds.json'), JSON.stringify({ seconds: encodeSeconds }));
  } else if (existsSync(join(work, 'latents-seconds.json'))) {
    encodeSeconds = (JSON.parse(await readFile(join(work, 'latents-seconds.json'), 'utf8')) as { seconds: number })
      .seconds;
  }
  const z = r.vae.zDim;
  const count = set.latents.shape[0];
  const raw = Array.from({ length: count }, (_, i) => latentAt(set, i).data);
  const norm = latentStats(raw, z);
  const per = raw[0].length / z;
  const normalised = raw.map((l) => {
    const out = new Float32Array(l.length);
    for (let j = 0; j < z; j++)
      for (let k = 0; k < per; k++) out[j * per + k] = (l[j * per + k] - norm.mean[j]) / norm.std[j];
    return HostTensor.f32(set.latents.shape.slice(1), out);
  });

  // 3b. The VAE widened (same latents: the encoder is widened exactly) and its decoder trained on
  const wideConfig = wideVaeConfig(r);
  const wideShapes = WanVae.declaredParams(wideConfig);
  const widened = new Map([
    ...widenVaeEncoder(clips.params, wideShapes),
    ...widenVaeDecoder(clips.params, wideShapes, r.vaeWide.noise, r.seed + 6),
  ]);
  const wide = await trainVaeStages('vae-wide', {
    work,
    recipe: r,
    config: wideConfig,
    params: widened,
    images: r.vaeWide.images,
    clips: r.vaeWide.clips,
    trainer: vaeOpts,
    seed: r.seed + 7,
    freeze: ['encoder.**', 'conv1.**'],
    signal: o.signal,
    log,
  });

  // 4. Text encoder pre-training (attribute probe), then text encoder + DiT
  const tokenizer = builtinTokenizer();
  const text = textConfig(r, tokenizer.vocabSize);
  const dit = ditConfig(r);
  const promptTokenizer = new Umt5PromptTokenizer(tokenizer, { maxLength: dit.textLen });
  const init = initJointParams(text, dit, r.seed + 10);
  const probe = new TextProbe(text, {
    runtime: o.runtime,
    threads: r.joint.threads,
    tokenizer: promptTokenizer,
    textLen: dit.textLen,
    promptNoise: r.joint.promptNoise,
  });
  const probeScenes = `${r.seed}:text`;
  const probed = await runPhase<Scene>('text-probe', join(work, 'text-probe'), {
    model: probe,
    params: initProbeParams(init, text, r.seed + 11),
    data: {
      length: r.textProbe.steps * r.textProbe.batch,
      get: (i) => datasetSample({ seed: probeScenes, split: 'train', render: false }, i).scene,
    },
    phase: r.textProbe,
    seed: r.seed + 4,
    noDecay: ['**.bias'],
    signal: o.signal,
    log,
  });
  await probe.dispose();
  for (const [k, t] of probed.params) if (!k.startsWith(PROBE_PREFIX)) init.set(k, t);
  const jointModel = (objectWeight: number) =>
    new JointFlowMatching(text, dit, {
      runtime: o.runtime,
      threads: r.joint.threads,
      tokenizer: promptTokenizer,
      recipe: { ...r.joint, objectWeight },
    });
  const scenes = `${r.seed}:dit`;
  const sceneAt = (i: number) => datasetSample({ seed: scenes, split: 'train', render: false }, i).scene;
  const joint = jointModel(0);
  const jointRes = await runPhase<LatentExample>('text+dit', join(work, 'joint'), {
    model: joint,
    params: init,
    data: { length: count, get: (i) => ({ scene: sceneAt(i), latent: normalised[i] }) },
    phase: r.joint,
    seed: r.seed + 3,
    ema: r.joint.ema,
    noDecay: JOINT_NO_DECAY,
    signal: o.signal,
    log,
  });
  await joint.dispose();

  // 5. The same, with the loss weighted towards the objects (each clip's latent object mask made once)
  const [, , lt, lh, lw] = set.latents.shape;
  const masks: (Float32Array | undefined)[] = new Array(count);
  let last = jointRes;
  const focusReports = [];
  for (const [k, round] of r.jointFocus.entries()) {
    const { name, dir } = focusRound(k);
    const focus = jointModel(round.objectWeight);
    last = await runPhase<LatentExample>(name, join(work, dir), {
      model: focus,
      params: last.params,
      data: {
        length: count,
        get: (i) => {
          const scene = sceneAt(i);
          masks[i] ??= latentObjectMask(scene, r.video, [lt, lh, lw]);
          return { scene, latent: normalised[i], objectMask: masks[i] };
        },
      },
      phase: round,
      // Round 1 keeps the seed it always had, so its cached run stays valid.
      seed: r.seed + 5 + 20 * k,
      ema: r.joint.ema,
      noDecay: JOINT_NO_DECAY,
      signal: o.signal,
      log,
    });
    await focus.dispose();
    focusReports.push(last.report);
  }

  // 6. The model folder
  const weights = last.ema ?? last.params;
  const textW = new Map<string, HostTensor>();
  const ditW = new Map<string, HostTensor>();
  for (const [k, t] of weights) (isTextParam(k, text) ? textW : ditW).set(k, t);
  const vaeW = foldLatentNorm(wide.params, norm, { mean: WAN21_VAE.latentsMean, std: WAN21_VAE.latentsStd });
  await writeBuiltinFolder(o.outDir, r, { dit: ditW, vae: vaeW, text: textW });
  const curves: Record<string, string> = {};
  for (const [phase, dir] of [
    ['vae-images', 'vae-images'],
    ['vae-clips', 'vae-clips'],
    ['vae-wide-images', 'vae-wide-images'],
    ['vae-wide-clips', 'vae-wide-clips'],
    ['text-probe', 'text-probe'],
    ['text+dit', 'joint'],
    ...r.jointFocus.map((_, k) => [focusRound(k).name, focusRound(k).dir]),
  ]) {
    const name = `loss-${dir}.png`;
    await copyFile(join(work, dir, 'loss.png'), join(o.outDir, name));
    curves[phase] = name;
  }
  log(`wrote ${o.outDir} (${Object.values(BUILTIN_FILES).join(', ')})`);
  return {
    phases: [...clips.reports, ...wide.reports, probed.report, jointRes.report, ...focusReports],
    encodeSeconds,
    latentNorm: norm,
    curves,
  };
}
