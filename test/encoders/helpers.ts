// Shared helpers of the encoder tests: fixture discovery, one runtime, a temp folder.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { OrtNodeRuntime } from '../../src/engine/runtime/ort-node.js';
import { readParityCase } from '../../src/parity/case-file.js';
import { compareTensors } from '../../src/parity/compare.js';
import type { ParityContext, ParityRunner } from '../../src/parity/types.js';

export const runtime = new OrtNodeRuntime();
export const ctx: ParityContext = { runtime, device: 'cpu', threads: 2, inter: true };
export const FIXTURES = join('test', 'fixtures', 'encoders');

/** Golden files whose name matches `re` in the golden and golden-extra folders, plus ours. */
export function goldenFiles(re: RegExp): string[] {
  const dirs = [join('test', 'fixtures', 'golden'), join('test', 'fixtures', 'golden-extra'), FIXTURES];
  return dirs.flatMap((d) =>
    existsSync(d)
      ? readdirSync(d)
          .filter((f) => re.test(f))
          .map((f) => join(d, f))
      : [],
  );
}

export interface CaseResult {
  readonly name: string;
  readonly pass: boolean;
  readonly maxAbs: number;
  readonly note?: string;
}

/** Runs one golden file through a runner and compares at atol/rtol 1e-4 (or the runner's own). */
export async function runCase(file: string, runner: ParityRunner): Promise<CaseResult[]> {
  const c = await readParityCase(file);
  const outs = await runner(c, ctx);
  return outs.map((o) => compareTensors(o.name, o.actual, o.expected, o.atol ?? 1e-4, o.rtol ?? 1e-4));
}

/** A fresh temporary folder, removed when the test file ends. */
export function tempDir(tag: string): string {
  const dir = mkdtempSync(join(tmpdir(), `wanjs-${tag}-`));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
