import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { CliIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { HostTensor } from '../../src/engine/host-tensor.js';
import { OrtNodeRuntime } from '../../src/engine/runtime/ort-node.js';
import { writeSafetensors } from '../../src/engine/weights/safetensors.js';

const runtime = new OrtNodeRuntime();

async function run(args: string[]): Promise<{ code: number; out: string[] }> {
  const out: string[] = [];
  const io: Partial<CliIo> = {
    out: (l) => out.push(l),
    err: (l) => out.push(l),
    runtime: async () => runtime,
    signal: new AbortController().signal,
  };
  return { code: await main(['parity', ...args], io), out };
}

test('wanjs parity prints one line per output and a summary, exit 0 when all pass', async () => {
  const r = await run([
    'test/fixtures/golden/sched_unipc_s10_shift3.safetensors',
    'test/fixtures/golden/vae21.safetensors',
  ]);
  assert.equal(r.code, 0, r.out.join('\n'));
  assert.ok(r.out.some((l) => /^PASS sched_unipc_s10_shift3 output\.final {2}max_abs=/.test(l)));
  assert.ok(r.out.some((l) => /^PASS vae21 output\.decoded {2}max_abs=/.test(l)));
  assert.match(r.out.at(-1) ?? '', /^\d+ passed, 0 failed$/);
});

test('an unsupported case fails by name with a non-zero exit', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wanjs-parity-'));
  try {
    const unknown = join(dir, 'mystery.safetensors');
    await writeSafetensors(unknown, { 'output.x': HostTensor.f32([1], [1]) }, { case: 'mystery_case', config: '{}' });
    const a = await run([unknown]);
    assert.equal(a.code, 1);
    assert.ok(a.out.some((l) => /mystery_case.*not supported yet/.test(l)));
    assert.match(a.out.at(-1) ?? '', /^0 passed, 1 failed$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
