// wanjs command-line entry. The composition root: the ONNX Runtime binding is
// created here (lazily) and passed down; nothing below reads argv or env.
import { existsSync } from 'node:fs';
import { builtinModelDir } from '../builtin/paths.js';
import { WanError } from '../engine/errors.js';
import type { Runtime } from '../engine/runtime/runtime.js';
import { benchCommand, benchDitCommand, benchGenerateCommand } from './commands/bench.js';
import { benchBuiltinCommand } from './commands/bench-builtin.js';
import { benchCeilingCommand } from './commands/bench-ceiling.js';
import { benchVaeCommand } from './commands/bench-vae.js';
import { encodePromptCommand } from './commands/encode-prompt.js';
import { evalCommand } from './commands/eval.js';
import { generateCommand } from './commands/generate.js';
import { inspectCommand } from './commands/inspect.js';
import { loraCommand } from './commands/lora.js';
import { parityCommand } from './commands/parity.js';
import { trainCommand } from './commands/train.js';
import type { CliIo, Command } from './io.js';

const BUILTIN_MODEL = builtinModelDir();

const COMMANDS: Readonly<Record<string, readonly [Command, string]>> = {
  generate: [
    generateCommand({ builtinModel: existsSync(BUILTIN_MODEL) ? BUILTIN_MODEL : undefined }),
    'generate a video from a prompt (and an image); default model: the built-in one',
  ],
  eval: [evalCommand, 'score a model on the shapes world held-out combinations'],
  'encode-prompt': [encodePromptCommand, 'tokenize a prompt and run the UMT5 text encoder'],
  inspect: [inspectCommand, 'show what a checkpoint file or model folder contains'],
  train: [trainCommand, 'train or fine-tune (LoRA) from a JSON config, resumable'],
  lora: [loraCommand, 'inspect or merge LoRA files'],
  parity: [parityCommand, 'compare with golden tensors from the official code'],
  bench: [
    benchCommand({
      dit: benchDitCommand,
      vae: benchVaeCommand,
      generate: benchGenerateCommand,
      builtin: benchBuiltinCommand,
      ceiling: benchCeilingCommand,
    }),
    'benchmarks (dit, vae, generate, builtin, ceiling): one JSON line of figures',
  ],
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([k, [, d]]) => `  ${k.padEnd(14)} ${d}`);
  return `usage: wanjs <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nRun 'wanjs <command> --help' for a command's options.`;
}

export async function main(argv: readonly string[], overrides: Partial<CliIo> = {}): Promise<number> {
  let runtime: Promise<Runtime> | undefined;
  // Ctrl-C cancels the running command cleanly (between steps/chunks); a second one exits at once.
  const abort = new AbortController();
  const onSigint = (): void => {
    if (abort.signal.aborted) process.exit(130);
    abort.abort(new Error('interrupted'));
  };
  if (!overrides.signal) process.on('SIGINT', onSigint);
  const io: CliIo = {
    signal: abort.signal,
    out: (l) => process.stdout.write(`${l}\n`),
    err: (l) => process.stderr.write(`${l}\n`),
    isTty: process.stderr.isTTY === true,
    runtime: () => {
      runtime ??= import('../engine/runtime/ort-node.js').then((m) => new m.OrtNodeRuntime());
      return runtime;
    },
    ...overrides,
  };
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return name ? 0 : 2;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    io.err(`wanjs: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  try {
    return await entry[0](rest, io);
  } catch (e) {
    if (e instanceof WanError || isCodedError(e)) {
      io.err(`wanjs ${name}: ${e.message}`);
      return e.code === 'E_CANCELLED' ? 130 : 1;
    }
    throw e;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/** Errors from layers that cannot import the engine (schedulers) carry the same `E_*` codes. */
function isCodedError(e: unknown): e is Error & { code: string } {
  if (!(e instanceof Error)) return false;
  const code: unknown = (e as unknown as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('E_');
}
