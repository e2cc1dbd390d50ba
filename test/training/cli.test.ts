// The CLI layer: `wanjs train` on a toy config (then resumed), a LoRA run on its
// result, and `wanjs lora inspect|merge` on the adapters it wrote.
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loraCommand, parseLoraArg } from '../../src/cli/commands/lora.js';
import { trainCommand } from '../../src/cli/commands/train.js';
import type { CliIo } from '../../src/cli/io.js';
import { OrtNodeRuntime } from '../../src/engine/runtime/ort-node.js';
import { readSafetensors } from '../../src/engine/weights/safetensors.js';
import { readLossLog } from '../../src/training/loss-log.js';
import { tempDir } from '../weights/tmp.js';

const runtime = new OrtNodeRuntime();

function io(): CliIo & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return {
    lines,
    errors,
    out: (l) => lines.push(l),
    err: (l) => errors.push(l),
    isTty: false,
    runtime: async () => runtime,
  };
}

const DIT = {
  dim: 16,
  ffn_dim: 32,
  num_heads: 2,
  num_layers: 2,
  in_dim: 4,
  out_dim: 4,
  text_dim: 8,
  text_len: 3,
  freq_dim: 16,
};

test('wanjs train: toy config, resume, LoRA on the result; wanjs lora inspect and merge', async () => {
  const dir = tempDir('cli');
  const config = {
    model: { dit: DIT, initSeed: 1 },
    data: { type: 'toy', count: 4, grid: [1, 4, 4], contextTokens: 2, seed: 3 },
    train: {
      steps: 10,
      batchSize: 2,
      seed: 2,
      optimizer: { lr: 3e-3, weightDecay: 0 },
      schedule: { warmupSteps: 2 },
      clipGradNorm: 1,
      ema: { decay: 0.9 },
    },
    output: { dir: 'run', checkpointEvery: 5 },
  };
  writeFileSync(join(dir, 'train.json'), JSON.stringify(config));
  const a = io();
  assert.equal(await trainCommand([join(dir, 'train.json'), '--every', '5'], a), 0, a.errors.join('\n'));
  assert.ok(
    a.lines.some((l) => /^step 5\/10 {2}loss \d/.test(l)),
    a.lines.join('\n'),
  );
  assert.ok(a.lines.some((l) => l.startsWith('done: 10 steps')));
  for (const f of [
    'model.safetensors',
    'model-ema.safetensors',
    'loss.jsonl',
    'loss.png',
    'checkpoints/step-00000010.safetensors',
  ]) {
    assert.ok(existsSync(join(dir, 'run', f)), f);
  }
  assert.equal((await readLossLog(join(dir, 'run', 'loss.jsonl'))).length, 10);

  const b = io();
  assert.equal(await trainCommand([join(dir, 'train.json'), '--resume', '--json'], b), 0);
  const done = JSON.parse(b.lines[b.lines.length - 1]);
  assert.equal(done.event, 'done');
  assert.equal(done.resumedFrom, 10);

  const loraConfig = {
    ...config,
    model: { dit: DIT, init: 'run/model.safetensors' },
    lora: { targets: ['blocks.*.cross_attn.k', 'blocks.*.cross_attn.v'], rank: 2, alpha: 4, format: 'original' },
    train: { ...config.train, ema: undefined, steps: 6 },
    output: { dir: 'lora-run', checkpointEvery: 0 },
  };
  writeFileSync(join(dir, 'lora.json'), JSON.stringify(loraConfig));
  const c = io();
  assert.equal(await trainCommand([join(dir, 'lora.json')], c), 0, c.errors.join('\n'));
  const loraFile = join(dir, 'lora-run', 'lora.safetensors');
  const { tensors } = await readSafetensors(loraFile);
  assert.ok(tensors.has('diffusion_model.blocks.1.cross_attn.v.lora_up.weight'));
  assert.equal(tensors.size, 4 * 3);

  const d = io();
  assert.equal(await loraCommand(['inspect', loraFile], d), 0);
  assert.match(d.lines[0], /original naming, 4 adapters/);
  assert.match(d.lines[1], /rank 2; alpha 4/);
  assert.ok(d.lines.includes('  every key is applied'));

  const e = io();
  const merged = join(dir, 'merged.safetensors');
  const code = await loraCommand(
    ['merge', '--base', join(dir, 'run', 'model.safetensors'), '--lora', `${loraFile}:0.5`, '--out', merged],
    e,
  );
  assert.equal(code, 0, e.errors.join('\n'));
  assert.match(e.lines[0], /merged 1 LoRA\(s\) into 4 weights/);
  const m = await readSafetensors(merged);
  assert.ok(m.tensors.has('blocks.0.cross_attn.k.weight'));
  assert.equal(JSON.parse(m.metadata['wanjs.lora_merge'])[0].strength, 0.5);

  assert.deepEqual(parseLoraArg('a/b.safetensors:0.75'), { path: 'a/b.safetensors', strength: 0.75 });
  assert.deepEqual(parseLoraArg('C:/x.safetensors'), { path: 'C:/x.safetensors', strength: 1 });
  assert.equal(await loraCommand(['frobnicate'], io()), 2);
});
