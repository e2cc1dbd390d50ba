// Replays the official scheduler runs (golden files and extra cases made with a
// different stand-in model) through the parity runner.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { WanError } from '../../src/engine/errors.js';
import { HostTensor } from '../../src/engine/host-tensor.js';
import type { Runtime } from '../../src/engine/runtime/runtime.js';
import { readParityCase as loadCase } from '../../src/parity/case-file.js';
import { type Comparison, compareTensors } from '../../src/parity/compare.js';
import { runSchedCase } from '../../src/parity/sched.js';
import type { ParityCase, ParityContext, ParityOutput } from '../../src/parity/types.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
const DIRS = ['golden', 'golden-extra'];
/** Observed worst error is 2.4e-7 (float32 log/exp rounding); far tighter than the 1e-5 tolerance. */
const MAX_ABS = 1e-6;

/** Schedulers run no graphs: a runtime that refuses to make sessions proves it. */
const runtime: Runtime = {
  name: 'none',
  supportedDevices: () => ['cpu'],
  createSession: () => Promise.reject(new Error('the scheduler runner must not create sessions')),
};
const ctx: ParityContext = { runtime, device: 'cpu' };

function compareOutput(o: ParityOutput): Comparison {
  return compareTensors(o.name, o.actual, o.expected, o.atol ?? 1e-4, o.rtol ?? 1e-4);
}

function files(dir: string): string[] {
  return readdirSync(join(FIXTURES, dir))
    .filter((f) => f.startsWith('sched_') && f.endsWith('.safetensors'))
    .sort()
    .map((f) => join(FIXTURES, dir, f));
}

describe('runSchedCase', () => {
  it('finds the five golden and five extra cases', () => {
    assert.equal(files('golden').length, 5);
    assert.equal(files('golden-extra').length, 5);
  });

  for (const dir of DIRS) {
    for (const path of files(dir)) {
      const label = `${dir}/${path.split('/').pop()}`;
      it(`matches ${label}`, async () => {
        const c = await loadCase(path);
        const outs = await runSchedCase(c, ctx);
        const names = outs.map((o) => o.name).sort();
        const expectedNames = [...c.tensors.keys()].filter(
          (k) => k.startsWith('output.') && k !== 'output.model_outputs',
        );
        assert.deepEqual(names, expectedNames.sort(), 'every golden output except the fed model outputs is compared');
        for (const o of outs) {
          const s = compareOutput(o);
          assert.ok(s.pass, `${label} ${o.name}: outside atol ${s.atol} / rtol ${s.rtol} (max abs ${s.maxAbs})`);
          assert.ok(s.maxAbs <= MAX_ABS, `${label} ${o.name}: max abs error ${s.maxAbs} > ${MAX_ABS}`);
          if (o.name !== 'output.samples' && o.name !== 'output.final') {
            assert.equal(s.maxAbs, 0, `${label} ${o.name} must be bit-exact`);
          }
        }
      });
    }
  }

  it('uses the case config, not the file name', async () => {
    const c = await loadCase(files('golden')[0]);
    const wrong: ParityCase = { ...c, config: { ...c.config, shift: 1 } };
    const outs = await runSchedCase(wrong, ctx);
    const sigmas = outs.find((o) => o.name === 'output.sigmas');
    assert.ok(sigmas && !compareOutput(sigmas).pass);
  });

  it('rejects malformed cases with errors naming the field', async () => {
    const c = await loadCase(files('golden')[0]);
    await assert.rejects(runSchedCase({ ...c, config: { ...c.config, solver: 'DDIM' } }, ctx), (e) => {
      assert.ok(e instanceof WanError && e.code === 'E_PARITY');
      assert.match(e.message, /config\.solver .*"DDIM"/);
      return true;
    });
    await assert.rejects(runSchedCase({ ...c, config: { ...c.config, steps: 'ten' } }, ctx), /config\.steps/);
    const noInit = new Map(c.tensors);
    noInit.delete('input.x_init');
    await assert.rejects(runSchedCase({ ...c, tensors: noInit }, ctx), /no tensor 'input\.x_init'/);
    const short = new Map(c.tensors);
    short.set('output.model_outputs', HostTensor.zeros([2, 3]));
    await assert.rejects(runSchedCase({ ...c, tensors: short }, ctx), /output\.model_outputs has shape \[2, 3\]/);
  });

  it('stops when the signal is aborted', async () => {
    const c = await loadCase(files('golden')[0]);
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(runSchedCase(c, { ...ctx, signal: ac.signal }), /cancelled/);
  });
});
