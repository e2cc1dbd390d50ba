// A finished phase's weights survive the file: parameters and EMA come back under their own names,
// and a phase without EMA reads back without it (so a resumed run does not invent one).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readPhaseFile, writePhaseFile } from '../../src/builtin/phase-file.js';
import { HostTensor } from '../../src/engine/host-tensor.js';

test('phase file: params and EMA round-trip by name; no EMA stays absent', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wanjs-phase-'));
  try {
    const params = new Map([['a.weight', HostTensor.f32([2], new Float32Array([1, 2]))]]);
    const ema = new Map([['a.weight', HostTensor.f32([2], new Float32Array([3, 4]))]]);
    await writePhaseFile(join(dir, 'with.safetensors'), { params, ema });
    const back = await readPhaseFile(join(dir, 'with.safetensors'));
    assert.deepEqual([...back.params.keys()], ['a.weight']);
    assert.deepEqual([...(back.params.get('a.weight')?.data ?? [])], [1, 2]);
    assert.deepEqual([...(back.ema?.get('a.weight')?.data ?? [])], [3, 4]);
    await writePhaseFile(join(dir, 'without.safetensors'), { params });
    assert.equal((await readPhaseFile(join(dir, 'without.safetensors'))).ema, undefined);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
