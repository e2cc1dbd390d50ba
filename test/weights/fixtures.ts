// Test helper: the committed PyTorch fixtures and their expected values.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DType } from '../../src/engine/dtype.js';
import { type HostTensor, toFloat64Array } from '../../src/engine/host-tensor.js';

export const FIXTURES = join('test', 'fixtures', 'weights');

export interface Expected {
  readonly dtype: DType;
  readonly shape: number[];
  /** Row-major values; int64 as decimal strings. */
  readonly values: (number | string)[];
}

export function fixture(name: string): string {
  return join(FIXTURES, name);
}

export function expected(name: string): Record<string, Expected> {
  return JSON.parse(readFileSync(fixture(`${name}.expected.json`), 'utf8')) as Record<string, Expected>;
}

/** Asserts a tensor equals its expectation exactly (dtype, shape, every value). */
export function assertMatches(
  t: HostTensor,
  e: Expected,
  label: string,
  equal: (a: unknown, b: unknown, m: string) => void,
): void {
  equal(t.dtype, e.dtype, `${label} dtype`);
  equal(JSON.stringify(t.shape), JSON.stringify(e.shape), `${label} shape`);
  if (t.dtype === 'int64') {
    equal(JSON.stringify(Array.from(t.data as BigInt64Array, String)), JSON.stringify(e.values), `${label} values`);
  } else {
    equal(JSON.stringify(Array.from(toFloat64Array(t))), JSON.stringify(e.values), `${label} values`);
  }
}
