import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { OrtNodeRuntime } from '../../src/engine/runtime/ort-node.js';
import { runParityFile } from '../../src/parity/run.js';

const runtime = new OrtNodeRuntime();
const dirs = ['test/fixtures/golden', 'test/fixtures/golden-extra'];
const files = dirs.flatMap((d) =>
  existsSync(d)
    ? readdirSync(d)
        .filter((f) => /^e2e_.*\.safetensors$/.test(f))
        .map((f) => join(d, f))
    : [],
);

test('the three official end-to-end golden cases are present', () => {
  for (const c of ['e2e_t2v_wan21', 'e2e_t2v_a14b_moe', 'e2e_ti2v_5b_i2v']) {
    assert.ok(files.includes(join('test/fixtures/golden', `${c}.safetensors`)), c);
  }
});

for (const file of files) {
  test(`end-to-end parity: ${file}`, async () => {
    const r = await runParityFile(file, { runtime, device: 'cpu', threads: 2 });
    assert.equal(r.error, undefined, r.error);
    const names = r.comparisons.map((c) => c.name);
    for (const n of ['output.timesteps', 'output.sigmas', 'output.latents', 'output.video'])
      assert.ok(names.includes(n), n);
    for (const c of r.comparisons) {
      assert.ok(c.pass, `${c.name}: max_abs ${c.maxAbs} rel ${c.rel} (atol ${c.atol}, rtol ${c.rtol})`);
    }
  });
}
