import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { CliIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { HostTensor } from '../../src/engine/host-tensor.js';
import { readSafetensors, writeSafetensors } from '../../src/engine/weights/safetensors.js';
import { inspectPath } from '../../src/inspect/inspect.js';
import { writeTinyModelFolder } from '../../src/testing/index.js';

const root = mkdtempSync(join(tmpdir(), 'wanjs-inspect-'));

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Partial<CliIo> = { out: (l) => out.push(l), err: (l) => err.push(l), signal: new AbortController().signal };
  const code = await main(['inspect', ...args], io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('wanjs inspect', () => {
  after(() => rmSync(root, { recursive: true, force: true }));

  for (const layout of ['official', 'diffusers'] as const) {
    it(`reports every component of a ${layout} model folder with no key problems`, async () => {
      const tiny = await writeTinyModelFolder(join(root, layout), { kind: 't2v-a14b', layout, seed: 2 });
      const r = await inspectPath(tiny.root);
      assert.equal(r.layout, layout);
      const roles = r.components.map((c) => c.role);
      assert.deepEqual(roles, ['dit (high noise)', 'dit (low noise)', 'vae', 'text encoder']);
      for (const c of r.components) {
        assert.ok(c.keys, `${c.role} has a key report`);
        assert.deepEqual([c.keys.missing, c.keys.unexpected, c.keys.wrongShape], [[], [], []], c.role);
        assert.ok(c.summary.parameters > 0);
      }
      const dit = r.components[0];
      assert.equal(dit.kind, 'dit');
      assert.equal((dit.config as { numLayers: number }).numLayers, tiny.configs.dit.numLayers);
      const text = await cli([tiny.root]);
      assert.equal(text.code, 0, text.err);
      assert.match(text.out, new RegExp(`${layout} layout`));
      assert.match(text.out, /all \d+ expected parameters present/);
    });
  }

  it('reads a .pth checkpoint (the official VAE and bf16 text encoder)', async () => {
    const tiny = await writeTinyModelFolder(join(root, 'pth'), { kind: 't2v-2.1', layout: 'official', seed: 4 });
    const vae = await inspectPath(join(tiny.root, 'Wan2.1_VAE.pth'));
    assert.equal(vae.components[0].kind, 'vae');
    assert.equal(vae.components[0].format, 'pytorch');
    assert.deepEqual(vae.components[0].keys?.missing, []);
    assert.deepEqual(vae.components[0].keys?.wrongShape, []);
    const t5 = await cli([join(tiny.root, 'models_t5_umt5-xxl-enc-bf16.pth'), '--json']);
    assert.equal(t5.code, 0, t5.err);
    const report = JSON.parse(t5.out) as {
      components: { kind: string; summary: { dtypes: Record<string, unknown> } }[];
    };
    assert.equal(report.components[0].kind, 'umt5');
    assert.ok('bfloat16' in report.components[0].summary.dtypes);
  });

  it('names missing and unexpected DiT keys and exits 1', async () => {
    const tiny = await writeTinyModelFolder(join(root, 'broken'), { kind: 't2v-2.1', layout: 'official', seed: 5 });
    const file = join(tiny.root, 'diffusion_pytorch_model.safetensors');
    const { tensors } = await readSafetensors(file);
    tensors.delete('blocks.0.ffn.0.bias');
    tensors.set('blocks.0.extra.weight', HostTensor.f32([2], [1, 2]));
    await writeSafetensors(file, tensors);
    const r = await cli([file]);
    assert.equal(r.code, 1);
    assert.match(r.out, /missing: blocks\.0\.ffn\.0\.bias/);
    assert.match(r.out, /unexpected: blocks\.0\.extra\.weight/);
  });

  it('gives a clear error for a path that does not exist or is not a checkpoint', async () => {
    const r = await cli([join(root, 'nothing.safetensors')]);
    assert.equal(r.code, 1);
    assert.match(r.err, /nothing\.safetensors/);
  });
});
