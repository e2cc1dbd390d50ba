// wanjs eval: generates clips for the shapes world's held-out combinations with a
// model (default: the built-in one), grades them with the analytic checker and
// prints the accuracy tables (English, Chinese, image-to-video) and the targets.
import { writeFile } from 'node:fs/promises';
import { EVAL_DEFAULTS, evaluateModel } from '../../builtin/eval.js';
import { evalTables } from '../../builtin/eval-table.js';
import { builtinModelDir } from '../../builtin/paths.js';
import { checkTargets } from '../../builtin/targets.js';
import { wordUse, wordUseTable } from '../../builtin/word-use.js';
import { WanPipeline } from '../../pipelines/wan-pipeline.js';
import { intFlag, numFlag, parse, passesFlag, str } from '../args.js';
import { parseDevice } from '../device.js';
import type { CliIo, Command } from '../io.js';

export const EVAL_USAGE = `wanjs eval [--model DIR] [options]
  --model DIR        model folder (default: the built-in model)
  --split S          heldout (default): the held-out triples; validation: training triples with
                     the same shapes and motions, fresh scenes (for choosing settings)
  --count N          scenes per (colour, shape, motion) triple (default ${EVAL_DEFAULTS.scenes})
  --seeds N          seeds per scene and language (default ${EVAL_DEFAULTS.seeds})
  --images N         image-to-video scenes per triple (default ${EVAL_DEFAULTS.imageScenes}; 0 skips)
  --lang en|zh|both  prompt languages (default both)
  --steps N  --guidance X  --passes 1|2   sampling overrides (default: the model's)
  --device cpu|cuda|webgpu  --threads N   (default 1 thread: the same figures on every run)
  --out FILE         also write the full report (every clip's verdict) as JSON
  --check            exit 1 when a target is missed
  --json             print the report as one JSON line instead of tables
  --word-use         instead of generating: how much the DiT's loss rises when the prompt's colour,
                     shape or motion word is wrong (--clips N one-object clips, default 32)`;

/** `wanjs eval`. */
export const evalCommand: Command = async (argv: readonly string[], io: CliIo): Promise<number> => {
  const { values, positionals } = parse(
    argv,
    {
      model: { type: 'string' },
      split: { type: 'string' },
      count: { type: 'string' },
      seeds: { type: 'string' },
      images: { type: 'string' },
      lang: { type: 'string' },
      steps: { type: 'string' },
      guidance: { type: 'string' },
      passes: { type: 'string' },
      device: { type: 'string' },
      threads: { type: 'string' },
      out: { type: 'string' },
      check: { type: 'boolean' },
      json: { type: 'boolean' },
      'word-use': { type: 'boolean' },
      clips: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    false,
  );
  if (values.help) {
    io.out(EVAL_USAGE);
    return 0;
  }
  if (positionals.length) {
    io.err(EVAL_USAGE);
    return 2;
  }
  const lang = str(values.lang) ?? 'both';
  if (lang !== 'en' && lang !== 'zh' && lang !== 'both') {
    io.err(`wanjs eval: --lang must be en, zh or both, got '${lang}'`);
    return 2;
  }
  const split = str(values.split) ?? 'heldout';
  if (split !== 'heldout' && split !== 'validation') {
    io.err(`wanjs eval: --split must be heldout or validation, got '${split}'`);
    return 2;
  }
  const dir = str(values.model) ?? builtinModelDir();
  if (values['word-use']) {
    const rows = await wordUse({
      runtime: await io.runtime(),
      dir,
      clips: intFlag('clips', str(values.clips), 32),
      threads: intFlag('threads', str(values.threads), 1),
      signal: io.signal,
    });
    io.out(values.json ? JSON.stringify({ model: dir, wordUse: rows }) : wordUseTable(rows));
    return 0;
  }
  const pipe = await WanPipeline.open(dir, {
    runtime: await io.runtime(),
    device: parseDevice(str(values.device)),
    threads: intFlag('threads', str(values.threads), 1),
    memory: 'resident',
  });
  try {
    const report = await evaluateModel(pipe, {
      split,
      scenes: intFlag('count', str(values.count), EVAL_DEFAULTS.scenes),
      seeds: intFlag('seeds', str(values.seeds), EVAL_DEFAULTS.seeds),
      imageScenes: intFlag('images', str(values.images), EVAL_DEFAULTS.imageScenes, 0),
      languages: lang === 'both' ? ['en', 'zh'] : [lang],
      steps: values.steps === undefined ? undefined : intFlag('steps', str(values.steps), 1),
      guideScale: values.guidance === undefined ? undefined : numFlag('guidance', str(values.guidance), 0),
      firstFrameFirst: passesFlag(str(values.passes)),
      signal: io.signal,
      onCase: values.json
        ? undefined
        : (c, done, total) =>
            io.err(
              `[${done}/${total}] ${c.task} ${c.lang} seed ${c.seed}: ${c.colourOk ? 'colour' : '-'} ${c.shapeOk ? 'shape' : '-'} ${c.motionOk ? 'motion' : '-'}  "${c.prompt}"`,
            ),
    });
    const out = str(values.out);
    if (out) await writeFile(out, `${JSON.stringify(report, null, 2)}\n`);
    if (values.json) io.out(JSON.stringify(report));
    else {
      io.out(`# ${report.model}: ${split === 'heldout' ? 'held-out' : 'validation'} evaluation\n`);
      io.out(evalTables(report));
      io.out(`\n${report.secondsPerClip.toFixed(2)} s per clip (model resident)`);
    }
    const missed = checkTargets(report).filter((c) => !c.ok);
    return values.check && missed.length ? 1 : 0;
  } finally {
    await pipe.dispose();
  }
};
