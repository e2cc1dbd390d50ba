// wanjs bench ceiling: the float32 rate of one large SGEMM and one large 3×3
// convolution on this machine, the bound for every model benchmark's GFLOP/s.
import { benchCeiling } from '../../bench/ceiling.js';
import { intFlag, parse, str } from '../args.js';
import type { CliIo, Command } from '../io.js';

export const BENCH_CEILING_USAGE = `wanjs bench ceiling [--threads N] [--repeat 5]
  Times a 2048×2048×2048 float32 MatMul and a 96→96 3×3 NCHWc convolution on 240×416 through
  ONNX Runtime (CPU); prints one JSON line with GFLOP, ms (median) and GFLOP/s of each.
  A model that spends its time in these kernels cannot average more GFLOP/s than they do.`;

export const benchCeilingCommand: Command = async (argv: readonly string[], io: CliIo): Promise<number> => {
  const { values } = parse(
    argv,
    { threads: { type: 'string' }, repeat: { type: 'string' }, help: { type: 'boolean' } },
    false,
  );
  if (values.help) {
    io.out(BENCH_CEILING_USAGE);
    return 0;
  }
  const threadsFlag = str(values.threads);
  const res = await benchCeiling({
    runtime: await io.runtime(),
    threads: threadsFlag === undefined ? undefined : intFlag('threads', threadsFlag, 1, 1),
    repeat: intFlag('repeat', str(values.repeat), 5, 1),
    signal: io.signal,
  });
  io.out(JSON.stringify({ impl: 'wanjs', what: 'ceiling', ...res }));
  return 0;
};
