// Test helpers for test/testing: temporary folders and raw tensor bytes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import type { HostTensor } from '../../src/engine/host-tensor.js';

/** A fresh temporary folder, deleted after the test file finishes. */
export function tempDir(tag: string): string {
  const dir = mkdtempSync(join(tmpdir(), `wanjs-${tag}-`));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The tensor's elements as little-endian bytes (a view, no copy). */
export function bytesOf(t: HostTensor): Uint8Array {
  return new Uint8Array(t.data.buffer, t.data.byteOffset, t.byteLength);
}

/** Asserts-friendly comparison: equal dtype, shape and bytes. */
export function sameTensor(a: HostTensor, b: HostTensor): boolean {
  if (a.dtype !== b.dtype || a.shape.join(',') !== b.shape.join(',')) return false;
  return Buffer.from(bytesOf(a)).equals(Buffer.from(bytesOf(b)));
}
