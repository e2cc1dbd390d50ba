// wanjs bench builtin: seconds per clip of the built-in model (or any folder) through the
// pipeline the way `wanjs generate` runs it: one cold clip, then warm clips with the model loaded.
import { benchBuiltin } from '../../builtin/bench.js';
import { builtinModelDir } from '../../builtin/paths.js';
import { intFlag, parse, str } from '../args.js';
import type { CliIo, Command } from '../io.js';

export const BENCH_BUILTIN_USAGE = `wanjs bench builtin [--model DIR] [--threads 2] [--runs 3] [--prompt TEXT]
  Generates one clip cold (open + generate), then --runs warm clips with the model's
  default settings; prints one JSON line: coldSeconds, warmSeconds (median), threads, cpu.`;

export const benchBuiltinCommand: Command = async (argv: readonly string[], io: CliIo): Promise<number> => {
  const { values } = parse(
    argv,
    {
      model: { type: 'string' },
      threads: { type: 'string' },
      runs: { type: 'string' },
      prompt: { type: 'string' },
      help: { type: 'boolean' },
    },
    false,
  );
  if (values.help) {
    io.out(BENCH_BUILTIN_USAGE);
    return 0;
  }
  const dir = str(values.model) ?? builtinModelDir();
  const res = await benchBuiltin(dir, {
    runtime: await io.runtime(),
    threads: intFlag('threads', str(values.threads), 2),
    runs: intFlag('runs', str(values.runs), 3, 0),
    prompt: str(values.prompt),
    signal: io.signal,
  });
  io.out(JSON.stringify({ impl: 'wanjs', what: 'builtin', model: dir, ...res }));
  return 0;
};
