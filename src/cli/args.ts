// Small helpers over node:util parseArgs with errors that name the flag.
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { InputError } from '../engine/errors.js';

export type Options = NonNullable<ParseArgsConfig['options']>;

export function parse(argv: readonly string[], options: Options, allowPositionals = true) {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals, strict: true });
  } catch (e) {
    throw new InputError((e as Error).message);
  }
}

export function intFlag(name: string, v: string | undefined, fallback: number, min = 1): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new InputError(`--${name}: expected an integer >= ${min}, got '${v}'`);
  return n;
}

export function numFlag(name: string, v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new InputError(`--${name}: expected a number, got '${v}'`);
  return n;
}

export function str(v: string | boolean | (string | boolean)[] | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** `--passes 1|2` (TI2V text-to-video in one or two passes) as GenerateRequest.firstFrameFirst. */
export function passesFlag(v: string | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  if (v === '1' || v === '2') return v === '2';
  throw new InputError(`--passes: expected 1 or 2, got '${v}'`);
}
