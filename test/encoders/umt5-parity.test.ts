import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HostTensor } from '../../src/engine/host-tensor.js';
import { Program } from '../../src/engine/program.js';
import { umt5ConfigFromJson } from '../../src/models/wan/umt5/config.js';
import { Umt5Encoder, type Umt5Execution } from '../../src/models/wan/umt5/model.js';
import { caseWeights, need, readParityCase } from '../../src/parity/case-file.js';
import { compareTensors } from '../../src/parity/compare.js';
import { runUmt5Case } from '../../src/parity/umt5.js';
import { goldenFiles, runCase, runtime } from './helpers.js';

const files = goldenFiles(/^umt5_.*\.safetensors$/);

test('the UMT5 golden cases are present', () => {
  for (const name of ['umt5_encoder.safetensors', 'umt5_shared.safetensors']) {
    assert.ok(
      files.some((f) => f.endsWith(name)),
      name,
    );
  }
});

for (const file of files) {
  test(`UMT5 parity: ${file}`, async () => {
    const results = await runCase(file, runUmt5Case);
    const names = results.map((r) => r.name);
    assert.ok(names.includes('output.hidden'), 'compares output.hidden');
    assert.ok(names.includes('output.context0'), 'compares the trimmed contexts');
    assert.ok(names.includes('inter.rel_bucket'), 'compares the bucket table');
    for (const r of results) assert.ok(r.pass, `${r.name}: max_abs ${r.maxAbs} ${r.note ?? ''}`);
  });
}

test('layered and whole execution, trimmed or not, give the golden contexts', async () => {
  const c = await readParityCase(files.find((f) => f.endsWith('umt5_encoder.safetensors')) as string);
  const program = new Program(runtime, { device: 'cpu', threads: 2, maxSessions: 4 });
  try {
    for (const execution of ['whole', 'layered'] as Umt5Execution[]) {
      for (const trimPadding of [false, true]) {
        const enc = new Umt5Encoder(umt5ConfigFromJson(c.config), caseWeights(c), program, { execution });
        assert.equal(enc.execution, execution);
        const ids = need(c, 'input.ids') as HostTensor<'int64'>;
        const res = await enc.encode(ids, need(c, 'input.mask') as HostTensor<'int64'>, { trimPadding });
        assert.deepEqual(res.lengths, [7, 12]);
        assert.deepEqual(res.hidden.shape, [2, trimPadding ? 12 : 512, 32]);
        res.contexts.forEach((ctx, i) => {
          const r = compareTensors('ctx', ctx, need(c, `output.context${i}`), 1e-4, 1e-4);
          assert.ok(r.pass, `${execution} trim=${trimPadding} context${i}: ${r.maxAbs}`);
        });
      }
    }
  } finally {
    await program.dispose();
  }
});
