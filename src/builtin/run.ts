// The whole built-in model job: train (resumable), evaluate on held-out
// combinations, benchmark, and write the model card — what `npm run train:builtin` does.

import { existsSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Runtime } from '../engine/runtime/runtime.js';
import { openCheckpoint } from '../engine/weights/index.js';
import { WanPipeline } from '../pipelines/wan-pipeline.js';
import { benchBuiltin } from './bench.js';
import { type EvalReport, evaluateModel } from './eval.js';
import { BUILTIN_FILES } from './export.js';
import { type ModelCardInput, renderModelCard, type SpeedReport } from './model-card.js';
import { BUILTIN_RECIPE, type BuiltinRecipe } from './recipe.js';
import { builtinVocabulary } from './tokenizer.js';
import { type TrainBuiltinReport, trainBuiltin } from './train-builtin.js';

/** File names of the reports kept next to the model. */
export const REPORT_FILES = {
  training: 'training.json',
  evaluation: 'eval.json',
  /** Text-to-video with one pass, for comparison when the folder samples in two (see firstFrameFirst). */
  evaluationOnePass: 'eval-one-pass.json',
  speed: 'speed.json',
  card: 'MODEL_CARD.md',
} as const;

export interface RunBuiltinOptions {
  readonly runtime: Runtime;
  readonly workDir: string;
  readonly outDir: string;
  /** Also write the card here (e.g. docs/builtin-model.md). */
  readonly cardPath?: string;
  /** Evaluate and benchmark after training (default true). */
  readonly evaluate?: boolean;
  /** Skip training: evaluate, benchmark and document the folder as it is (its training.json is kept). */
  readonly evaluateOnly?: boolean;
  readonly recipe?: BuiltinRecipe;
  readonly signal?: AbortSignal;
  readonly log?: (line: string) => void;
}

async function readJson<T>(path: string): Promise<T | undefined> {
  return existsSync(path) ? (JSON.parse(await readFile(path, 'utf8')) as T) : undefined;
}

/** Parameter count and size of each weight file of a built-in folder. */
export async function folderComponentSizes(dir: string): Promise<ModelCardInput['components']> {
  const parts = [
    {
      name: 'DiT',
      file: BUILTIN_FILES.dit,
      what: 'Wan TI2V DiT (float32 safetensors, official keys, `config.json` beside it)',
    },
    { name: 'VAE', file: BUILTIN_FILES.vae, what: 'Wan2.1 VAE topology (float32 .pth)' },
    { name: 'text encoder', file: BUILTIN_FILES.text, what: 'UMT5 encoder (bfloat16 .pth, official keys)' },
  ];
  const out: ModelCardInput['components'][number][] = [];
  for (const p of parts) {
    const path = join(dir, p.file);
    const src = await openCheckpoint(path);
    let params = 0;
    try {
      for (const k of src.keys()) params += src.info(k).shape.reduce((a, b) => a * b, 1);
    } finally {
      await src.close();
    }
    out.push({ ...p, params, bytes: (await stat(path)).size });
  }
  return out;
}

/** Writes MODEL_CARD.md (and `cardPath`) from the reports stored in the folder. */
export async function writeModelCard(
  dir: string,
  recipe: BuiltinRecipe = BUILTIN_RECIPE,
  cardPath?: string,
): Promise<string> {
  const card = renderModelCard({
    recipe,
    training: await readJson<TrainBuiltinReport>(join(dir, REPORT_FILES.training)),
    evaluation: await readJson<EvalReport>(join(dir, REPORT_FILES.evaluation)),
    evaluationOnePass: recipe.sampling.firstFrameFirst
      ? await readJson<EvalReport>(join(dir, REPORT_FILES.evaluationOnePass))
      : undefined,
    speed: await readJson<SpeedReport>(join(dir, REPORT_FILES.speed)),
    components: await folderComponentSizes(dir),
    vocabSize: builtinVocabulary().length,
  });
  await writeFile(join(dir, REPORT_FILES.card), card);
  if (cardPath) await writeFile(cardPath, card.replace(/\]\((loss-[^)]+\.png)\)/g, `](../assets/builtin-model/$1)`));
  return card;
}

/** Trains, evaluates, benchmarks and documents the built-in model. */
export async function runBuiltinTraining(o: RunBuiltinOptions): Promise<void> {
  const recipe = o.recipe ?? BUILTIN_RECIPE;
  const log = o.log ?? (() => undefined);
  if (!o.evaluateOnly) {
    const training = await trainBuiltin({
      runtime: o.runtime,
      workDir: o.workDir,
      outDir: o.outDir,
      recipe,
      signal: o.signal,
      log,
    });
    await writeFile(join(o.outDir, REPORT_FILES.training), `${JSON.stringify(training, null, 2)}\n`);
  }
  if (o.evaluate !== false || o.evaluateOnly) {
    log('evaluating on the held-out combinations');
    const pipe = await WanPipeline.open(o.outDir, { runtime: o.runtime, memory: 'resident', threads: 1 });
    try {
      const evaluation = await evaluateModel(pipe, {
        signal: o.signal,
        onCase: (_c, done, total) => {
          if (done % 12 === 0 || done === total) log(`eval: ${done}/${total} clips`);
        },
      });
      await writeFile(join(o.outDir, REPORT_FILES.evaluation), `${JSON.stringify(evaluation, null, 2)}\n`);
      if (recipe.sampling.firstFrameFirst) {
        log('evaluating text-to-video in one pass, for comparison');
        const one = await evaluateModel(pipe, { signal: o.signal, imageScenes: 0, firstFrameFirst: false });
        await writeFile(join(o.outDir, REPORT_FILES.evaluationOnePass), `${JSON.stringify(one, null, 2)}\n`);
      }
    } finally {
      await pipe.dispose();
    }
    log('benchmarking');
    const speed = await benchBuiltin(o.outDir, { runtime: o.runtime, signal: o.signal });
    await writeFile(join(o.outDir, REPORT_FILES.speed), `${JSON.stringify(speed, null, 2)}\n`);
  }
  await writeModelCard(o.outDir, recipe, o.cardPath);
  log(`model card: ${join(o.outDir, REPORT_FILES.card)}`);
}
