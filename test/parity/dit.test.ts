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
        .filter((f) => /^dit_.*\.safetensors$/.test(f))
        .map((f) => join(d, f))
    : [],
);

test('the five official DiT golden cases are present', () => {
  for (const c of ['dit_t2v_wan21', 'dit_i2v_wan21', 'dit_t2v_wan22', 'dit_i2v_wan22', 'dit_ti2v_wan22']) {
    assert.ok(files.includes(join('test/fixtures/golden', `${c}.safetensors`)), c);
  }
});

for (const file of files) {
  test(`DiT parity: ${file}`, async () => {
    const r = await runParityFile(file, { runtime, device: 'cpu', threads: 2, inter: true });
    assert.equal(r.error, undefined, r.error);
    assert.ok(
      r.comparisons.some((c) => c.name.startsWith('output.out')),
      'compares the model output',
    );
    for (const c of r.comparisons) {
      assert.ok(c.pass, `${c.name}: max_abs ${c.maxAbs} rel ${c.rel} (atol ${c.atol}, rtol ${c.rtol})`);
    }
  });
}
