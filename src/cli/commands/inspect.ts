// wanjs inspect PATH: detected model, configuration, size and key mismatches.
import { type ComponentReport, inspectPath } from '../../inspect/inspect.js';
import { parse } from '../args.js';
import type { CliIo } from '../io.js';

const USAGE = `wanjs inspect PATH [--json]
  PATH is a checkpoint (.safetensors, .safetensors.index.json, .pth) or a model folder
  (official or diffusers layout). Prints the detected model and configuration, parameter
  count, dtypes, size, and missing/unexpected keys.`;

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function printComponent(c: ComponentReport, io: CliIo): void {
  const dt = Object.entries(c.summary.dtypes)
    .map(([k, v]) => `${k} ${v?.tensors}`)
    .join(', ');
  io.out(`${c.role}: ${c.path}`);
  io.out(`  kind: ${c.kind}${c.naming ? `, ${c.naming} key names` : ''}, format ${c.format}`);
  io.out(
    `  ${c.summary.tensors} tensors, ${c.summary.parameters.toLocaleString('en-US')} parameters, ${mb(c.summary.bytes)} (${dt})`,
  );
  if (c.config) io.out(`  config: ${JSON.stringify(c.config)}`);
  if (c.keys) {
    const k = c.keys;
    const ok = !k.missing.length && !k.unexpected.length && !k.wrongShape.length;
    io.out(
      `  keys: ${ok ? `all ${k.expected} expected parameters present` : `${k.missing.length} missing, ${k.unexpected.length} unexpected, ${k.wrongShape.length} of the wrong shape (of ${k.expected} expected)`}`,
    );
    for (const m of k.missing.slice(0, 20)) io.out(`    missing: ${m}`);
    for (const u of k.unexpected.slice(0, 20)) io.out(`    unexpected: ${u}`);
    for (const w of k.wrongShape.slice(0, 20)) io.out(`    wrong shape: ${w}`);
  }
  if (c.note) io.out(`  note: ${c.note}`);
}

export async function inspectCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv, { json: { type: 'boolean' }, help: { type: 'boolean' } });
  if (values.help || positionals.length !== 1) {
    io.err(USAGE);
    return values.help ? 0 : 2;
  }
  const report = await inspectPath(positionals[0]);
  if (values.json) io.out(JSON.stringify(report));
  else {
    if (report.layout) io.out(`model folder: ${report.path} (${report.layout} layout)`);
    for (const c of report.components) printComponent(c, io);
  }
  const bad = report.components.some(
    (c) => c.kind === 'unknown' || (c.keys && (c.keys.missing.length || c.keys.wrongShape.length)),
  );
  return bad ? 1 : 0;
}
