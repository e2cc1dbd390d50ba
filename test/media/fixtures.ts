// Loads the resampling fixtures written by tools/media/make-resize-fixtures.py.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const DIR = join('test', 'fixtures', 'media', 'resize');

export interface ArrayRef {
  file: string;
  dtype: 'float32' | 'uint8';
  shape: number[];
}

export interface ResizeCase {
  name: string;
  op: 'bicubic' | 'lanczos' | 'ti2v' | 'to-unit' | 'to-uint8';
  params: Record<string, number>;
  input: ArrayRef;
  output: ArrayRef;
}

export function loadCases(op: ResizeCase['op']): ResizeCase[] {
  const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as { cases: ResizeCase[] };
  return manifest.cases.filter((c) => c.op === op);
}

export function loadF32(ref: ArrayRef): Float32Array {
  if (ref.dtype !== 'float32') throw new Error(`${ref.file}: expected float32, manifest says ${ref.dtype}`);
  const b = readFileSync(join(DIR, ref.file));
  const out = new Float32Array(b.byteLength / 4);
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

export function loadU8(ref: ArrayRef): Uint8Array {
  if (ref.dtype !== 'uint8') throw new Error(`${ref.file}: expected uint8, manifest says ${ref.dtype}`);
  return new Uint8Array(readFileSync(join(DIR, ref.file)));
}
