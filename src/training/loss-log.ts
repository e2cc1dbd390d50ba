// The per-step JSONL log: one JSON object per optimiser step.
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { StepInfo } from './types.js';

/** Reads the entries of a log (missing file: none; a torn last line is dropped). */
export async function readLossLog(path: string): Promise<StepInfo[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return [];
  }
  const out: StepInfo[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as StepInfo);
    } catch {
      break;
    }
  }
  return out;
}

/** Rewrites the log with the entries up to `step` (resuming drops what the checkpoint does not cover). */
export async function truncateLossLog(path: string, step: number): Promise<StepInfo[]> {
  const kept = (await readLossLog(path)).filter((e) => e.step <= step);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, kept.map((e) => `${JSON.stringify(e)}\n`).join(''));
  return kept;
}

export async function appendLossLog(path: string, e: StepInfo): Promise<void> {
  await appendFile(path, `${JSON.stringify(e)}\n`);
}
