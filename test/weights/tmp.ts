// Test helper: a fresh temporary folder per test file, removed at exit.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';

/** Creates a temporary folder that is deleted after the test file finishes. */
export function tempDir(tag: string): string {
  const dir = mkdtempSync(join(tmpdir(), `wanjs-${tag}-`));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
