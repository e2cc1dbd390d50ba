#!/usr/bin/env node
// Entry of `npm run train:builtin`: trains the built-in model from scratch (resumable)
// and writes assets/builtin-model/ with its model card.
//   npx tsx tools/train-builtin.ts [--work runs/builtin] [--out assets/builtin-model] [--no-eval | --eval-only]
import { parseArgs } from 'node:util';
import { runBuiltinTraining } from '../src/builtin/run.js';
import { OrtNodeRuntime } from '../src/engine/runtime/ort-node.js';

const { values } = parseArgs({
  options: {
    work: { type: 'string', default: 'runs/builtin' },
    out: { type: 'string', default: 'assets/builtin-model' },
    card: { type: 'string', default: 'docs/builtin-model.md' },
    'no-eval': { type: 'boolean', default: false },
    'eval-only': { type: 'boolean', default: false },
  },
});
const abort = new AbortController();
process.on('SIGINT', () => abort.abort(new Error('interrupted')));
const runtime = new OrtNodeRuntime();
await runBuiltinTraining({
  runtime,
  workDir: values.work as string,
  outDir: values.out as string,
  cardPath: values.card,
  evaluate: !values['no-eval'],
  evaluateOnly: values['eval-only'],
  signal: abort.signal,
  log: (line) => process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`),
});
