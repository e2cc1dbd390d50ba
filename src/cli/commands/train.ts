// wanjs train CONFIG.json: a thin layer over runTrainConfig (src/training/).
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InputError } from '../../engine/errors.js';
import { parseTrainConfig } from '../../training/config.js';
import { runTrainConfig } from '../../training/run-config.js';
import type { StepInfo } from '../../training/types.js';
import { intFlag, parse, str } from '../args.js';
import { parseDevice } from '../device.js';
import type { Command } from '../io.js';

export const TRAIN_USAGE = `wanjs train CONFIG.json [--resume] [--every N] [--threads N] [--device cpu] [--json]
  Trains as CONFIG.json says (format: docs/training.md): a Wan DiT, fully or with
  LoRA adapters, on a flow-matching loss. Writes under the config's output.dir:
  checkpoints/step-N.safetensors, loss.jsonl, loss.png and the final
  model.safetensors (or lora.safetensors).
  --resume   continue from the newest checkpoint in output.dir; the result is the
             same, bit for bit, as an uninterrupted run
  --every N  print a progress line every N steps (default: about 20 lines)
  --json     print progress and the summary as JSON lines`;

function fmt(v: number): string {
  return Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4 ? v.toFixed(4) : v.toExponential(3);
}

export const trainCommand: Command = async (argv, io) => {
  const { values, positionals } = parse(argv, {
    resume: { type: 'boolean' },
    every: { type: 'string' },
    threads: { type: 'string' },
    device: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.out(TRAIN_USAGE);
    return 0;
  }
  if (positionals.length !== 1) {
    io.err(TRAIN_USAGE);
    return 2;
  }
  const path = positionals[0];
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new InputError(`${path}: cannot read the config (${(e as Error).message})`);
  }
  const cfg = parseTrainConfig(raw);
  const every = intFlag('every', str(values.every), Math.max(1, Math.round(cfg.steps / 20)));
  const json = values.json === true;
  const t0 = performance.now();
  let first: number | undefined;
  const onStep = (i: StepInfo): void => {
    first ??= i.step;
    if (i.step % every !== 0 && i.step !== cfg.steps && i.step !== first) return;
    if (json) {
      io.out(JSON.stringify({ event: 'step', ...i }));
      return;
    }
    const done = i.step - first + 1;
    const perStep = (performance.now() - t0) / done / 1000;
    const eta = Math.round(perStep * (cfg.steps - i.step));
    io.out(
      `step ${i.step}/${cfg.steps}  loss ${fmt(i.loss)}  lr ${i.lr.toExponential(2)}  |g| ${fmt(i.gradNorm)}${i.clipped ? ' (clipped)' : ''}  ${i.ms.toFixed(0)} ms  eta ${eta}s`,
    );
  };
  const r = await runTrainConfig(cfg, {
    runtime: await io.runtime(),
    baseDir: dirname(path),
    resume: values.resume === true,
    device: parseDevice(str(values.device)),
    threads: values.threads === undefined ? undefined : intFlag('threads', str(values.threads), 1),
    raw,
    signal: io.signal,
    onStep,
  });
  const last = r.result.history[r.result.history.length - 1];
  const seconds = Math.round((performance.now() - t0) / 100) / 10;
  if (json) {
    io.out(
      JSON.stringify({
        event: 'done',
        step: r.result.step,
        resumedFrom: r.result.resumedFrom,
        seconds,
        files: r.files,
      }),
    );
  } else {
    if (r.result.resumedFrom !== undefined) io.out(`resumed from step ${r.result.resumedFrom}`);
    io.out(
      `done: ${r.result.step} steps in ${seconds}s, final loss ${last ? fmt(last.loss) : 'n/a'}, ${r.paramCount} parameters trained`,
    );
    for (const [k, f] of Object.entries(r.files)) io.out(`  ${k.padEnd(11)} ${f}`);
  }
  return 0;
};
