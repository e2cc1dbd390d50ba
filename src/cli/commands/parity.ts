// wanjs parity FILE...: compare our implementation with golden tensors from the official code.
import { type FileResult, runParityFile } from '../../parity/run.js';
import { intFlag, numFlag, parse, str } from '../args.js';
import { parseDevice } from '../device.js';
import type { CliIo } from '../io.js';

export const USAGE = `wanjs parity FILE... [--atol X] [--rtol X] [--inter] [--device cpu] [--threads N] [--json]
  Runs each golden safetensors file (written by the reference oracle) through the
  matching wanjs module and compares every output: one line per output with
  max-abs and relative error, then "N passed, M failed". Exit 1 on any failure.`;

export async function parityCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv, {
    atol: { type: 'string' },
    rtol: { type: 'string' },
    inter: { type: 'boolean' },
    device: { type: 'string' },
    threads: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (positionals.length === 0) {
    io.err(USAGE);
    return 2;
  }
  const atol = values.atol === undefined ? undefined : numFlag('atol', str(values.atol), 0);
  const rtol = values.rtol === undefined ? undefined : numFlag('rtol', str(values.rtol), 0);
  const ctx = {
    runtime: await io.runtime(),
    device: parseDevice(str(values.device)),
    threads: values.threads === undefined ? undefined : intFlag('threads', str(values.threads), 1),
    inter: values.inter === true,
    signal: io.signal,
  };
  let passed = 0;
  let failed = 0;
  for (const file of positionals) {
    const r: FileResult = await runParityFile(file, ctx, { atol, rtol });
    if (values.json) io.out(JSON.stringify(r));
    if (r.error) {
      failed++;
      if (!values.json) io.out(`FAIL ${r.caseName} (${file}): ${r.error}`);
      continue;
    }
    for (const c of r.comparisons) {
      if (c.pass) passed++;
      else failed++;
      if (!values.json) {
        io.out(
          `${c.pass ? 'PASS' : 'FAIL'} ${r.caseName} ${c.name}  max_abs=${c.maxAbs.toExponential(3)} rel=${c.rel.toExponential(3)}  (atol ${c.atol}, rtol ${c.rtol})${c.note ? `  ${c.note}` : ''}`,
        );
      }
    }
  }
  io.out(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}
