// Reading a golden file into a ParityCase, and splitting its tensors by role.

import { basename } from 'node:path';
import { WanError } from '../engine/errors.js';
import { type HostTensor, toFloat32 } from '../engine/host-tensor.js';
import { readSafetensors } from '../engine/weights/safetensors.js';
import type { ParityCase } from './types.js';

export async function readParityCase(file: string): Promise<ParityCase> {
  const { metadata, tensors } = await readSafetensors(file);
  let config: Record<string, unknown> = {};
  if (metadata.config) {
    try {
      const parsed: unknown = JSON.parse(metadata.config);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) config = parsed as Record<string, unknown>;
    } catch {
      throw new WanError('E_PARITY', `${file}: __metadata__.config is not valid JSON`);
    }
  }
  const name = metadata.case ?? basename(file).replace(/\.safetensors$/, '');
  return { file, name, config, metadata, tensors };
}

const ROLE_PREFIXES = ['input.', 'output.', 'inter.', 'trace.'];

/** Parameters: every tensor that is not an input/output/intermediate, with an optional prefix stripped. Upcast to float32. */
export function caseWeights(c: ParityCase, prefix = ''): Map<string, HostTensor> {
  const out = new Map<string, HostTensor>();
  for (const [k, v] of c.tensors) {
    if (ROLE_PREFIXES.some((p) => k.startsWith(p))) continue;
    if (prefix && !k.startsWith(prefix)) continue;
    out.set(k.slice(prefix.length), toFloat32(v));
  }
  return out;
}

/** The tensor `name`, or an error naming the case and what is missing. */
export function need(c: ParityCase, name: string): HostTensor {
  const t = c.tensors.get(name);
  if (!t) throw new WanError('E_PARITY', `${c.file}: case '${c.name}' has no tensor '${name}'`);
  return t;
}

/**
 * Per-sample tensors: `base` alone (batch of one), or `base0`, `base1`, … /
 * `base.0`, … / `base_0`, … for batches; returns [] when none exists.
 */
export function perSample(c: ParityCase, base: string): HostTensor[] {
  for (const sep of ['', '.', '_']) {
    const list: HostTensor[] = [];
    for (let i = 0; c.tensors.has(`${base}${sep}${i}`); i++)
      list.push(c.tensors.get(`${base}${sep}${i}`) as HostTensor);
    if (list.length) return list;
  }
  const single = c.tensors.get(base);
  return single ? [single] : [];
}

/** Per-sample output names matching `perSample`'s convention for `base`. */
export function perSampleNames(c: ParityCase, base: string): string[] {
  for (const sep of ['', '.', '_']) {
    const names: string[] = [];
    for (let i = 0; c.tensors.has(`${base}${sep}${i}`); i++) names.push(`${base}${sep}${i}`);
    if (names.length) return names;
  }
  return c.tensors.has(base) ? [base] : [];
}
