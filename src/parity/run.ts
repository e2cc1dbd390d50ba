// `wanjs parity`: run golden files through the matching runner and compare.
import { WanError } from '../engine/errors.js';
import { readParityCase } from './case-file.js';
import { runClipCase } from './clip.js';
import { type Comparison, compareTensors } from './compare.js';
import { runDitCase } from './dit.js';
import { runE2eCase } from './e2e.js';
import { runSchedCase } from './sched.js';
import type { ParityCase, ParityContext, ParityRunner } from './types.js';
import { runUmt5Case } from './umt5.js';
import { runVaeCase } from './vae.js';

export const DEFAULT_ATOL = 1e-4;
export const DEFAULT_RTOL = 1e-4;

/** Case families by name prefix; the first match wins. */
const RUNNERS: readonly (readonly [RegExp, string, ParityRunner])[] = [
  [/^dit_/, 'WanModel (DiT)', runDitCase],
  [/^sched_/, 'flow-matching schedulers', runSchedCase],
  [/^e2e_/, 'end-to-end pipelines', runE2eCase],
  [/^umt5_/, 'UMT5 encoder', runUmt5Case],
  [/^clip_/, 'CLIP visual', runClipCase],
  [/^vae2[12]/, 'Wan VAE', runVaeCase],
];

export function runnerFor(c: ParityCase): ParityRunner | undefined {
  return RUNNERS.find(([re]) => re.test(c.name))?.[2];
}

export interface FileResult {
  readonly file: string;
  readonly caseName: string;
  readonly comparisons: readonly Comparison[];
  /** Set when the case could not be run (unsupported family, bad file, runtime error). */
  readonly error?: string;
}

function fileTolerance(c: ParityCase, key: 'atol' | 'rtol'): number | undefined {
  const fromMeta = c.metadata[key];
  if (fromMeta !== undefined && Number.isFinite(Number(fromMeta))) return Number(fromMeta);
  const fromCfg = c.config[key];
  if (typeof fromCfg === 'number') return fromCfg;
  const tol = c.config.tolerance;
  if (tol && typeof tol === 'object' && typeof (tol as Record<string, unknown>)[key] === 'number') {
    return (tol as Record<string, number>)[key];
  }
  return undefined;
}

export async function runParityFile(
  file: string,
  ctx: ParityContext,
  overrides: { atol?: number; rtol?: number } = {},
): Promise<FileResult> {
  let c: ParityCase;
  try {
    c = await readParityCase(file);
  } catch (e) {
    return { file, caseName: '?', comparisons: [], error: (e as Error).message };
  }
  const runner = runnerFor(c);
  if (!runner) {
    return { file, caseName: c.name, comparisons: [], error: `case '${c.name}' is not supported yet` };
  }
  try {
    const outs = await runner(c, ctx);
    const comparisons = outs.map((o) => {
      const atol = overrides.atol ?? o.atol ?? fileTolerance(c, 'atol') ?? DEFAULT_ATOL;
      const rtol = overrides.rtol ?? o.rtol ?? fileTolerance(c, 'rtol') ?? DEFAULT_RTOL;
      return compareTensors(o.name, o.actual, o.expected, atol, rtol);
    });
    if (comparisons.length === 0) throw new WanError('E_PARITY', `case '${c.name}' produced nothing to compare`);
    return { file, caseName: c.name, comparisons };
  } catch (e) {
    return { file, caseName: c.name, comparisons: [], error: (e as Error).message };
  }
}
