import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { HostTensor } from '../../src/engine/host-tensor.js';
import { Program } from '../../src/engine/program.js';
import { openCheckpoint } from '../../src/engine/weights/open-checkpoint.js';
import { readSafetensors, writeSafetensors } from '../../src/engine/weights/safetensors.js';
import { clipConfigFromJson } from '../../src/models/wan/clip/config.js';
import { loadClipVisionWeights } from '../../src/models/wan/clip/load.js';
import { ClipVisionEncoder } from '../../src/models/wan/clip/model.js';
import { umt5OfficialToHf } from '../../src/models/wan/keymaps/umt5.js';
import { loadUmt5Weights } from '../../src/models/wan/umt5/load.js';
import { Umt5Encoder } from '../../src/models/wan/umt5/model.js';
import { need, readParityCase } from '../../src/parity/case-file.js';
import { compareTensors } from '../../src/parity/compare.js';
import { FIXTURES, goldenFiles, runtime, tempDir } from './helpers.js';

const PTH = join(FIXTURES, 'tiny-umt5', 'models_t5_umt5-xxl-enc-bf16.pth');
const tmp = tempDir('encoders-load');

async function expected() {
  const { tensors } = await readSafetensors(join(FIXTURES, 'tiny-umt5-expected.safetensors'));
  return tensors;
}

test('the official bf16 .pth loads with its config inferred and runs layered, matching PyTorch', async () => {
  const source = await openCheckpoint(PTH);
  const loaded = await loadUmt5Weights(source);
  await source.close();
  assert.equal(loaded.layout, 'official');
  assert.deepEqual(
    { ...loaded.config },
    {
      vocab: 48,
      dim: 16,
      dimAttn: 16,
      dimFfn: 24,
      numHeads: 2,
      numLayers: 2,
      numBuckets: 8,
      sharedPos: false,
      maxDistance: 128,
      eps: 1e-6,
    },
  );
  assert.equal(loaded.weights.get('blocks.1.ffn.fc2.weight')?.dtype, 'bfloat16', 'weights stay bf16');
  const exp = await expected();
  const program = new Program(runtime, { device: 'cpu', threads: 2 });
  try {
    const enc = new Umt5Encoder(loaded.config, loaded.weights, program);
    assert.equal(enc.execution, 'layered');
    const res = await enc.encode(
      exp.get('input.ids') as HostTensor<'int64'>,
      exp.get('input.mask') as HostTensor<'int64'>,
    );
    const r = compareTensors('hidden', res.hidden, exp.get('output.hidden') as HostTensor, 1e-4, 1e-4);
    assert.ok(r.pass, `max_abs ${r.maxAbs}`);
    const whole = new Umt5Encoder(loaded.config, loaded.weights, program, { execution: 'whole' });
    const res2 = await whole.encode(
      exp.get('input.ids') as HostTensor<'int64'>,
      exp.get('input.mask') as HostTensor<'int64'>,
    );
    assert.ok(compareTensors('whole', res2.hidden, res.hidden, 1e-5, 1e-5).pass);
  } finally {
    await program.dispose();
  }
});

test('a transformers-named UMT5 file (diffusers text_encoder) loads to the same encoder', async () => {
  const src = await openCheckpoint(PTH);
  const official = await loadUmt5Weights(src, { dtype: 'float32' });
  await src.close();
  const hf = new Map<string, HostTensor>();
  for (const [k, v] of official.weights) hf.set(umt5OfficialToHf(k) as string, v);
  hf.set('encoder.embed_tokens.weight', official.weights.get('token_embedding.weight') as HostTensor);
  hf.set('lm_head.weight', HostTensor.zeros([48, 16]));
  const file = join(tmp, 'model.safetensors');
  await writeSafetensors(file, hf);
  const source = await openCheckpoint(file);
  const loaded = await loadUmt5Weights(source);
  await source.close();
  assert.equal(loaded.layout, 'transformers');
  assert.deepEqual(loaded.config, official.config);
  assert.deepEqual([...loaded.weights.keys()].sort(), [...official.weights.keys()].sort());
  assert.deepEqual(
    loaded.weights.get('blocks.0.ffn.gate.0.weight')?.data,
    official.weights.get('blocks.0.ffn.gate.0.weight')?.data,
  );
});

test('a checkpoint that is not a UMT5 encoder is refused with its keys named', async () => {
  const file = join(tmp, 'other.safetensors');
  await writeSafetensors(file, { 'patch_embedding.weight': HostTensor.zeros([2, 2]) });
  const source = await openCheckpoint(file);
  await assert.rejects(loadUmt5Weights(source), /not a UMT5 encoder checkpoint .*patch_embedding\.weight/);
  await source.close();
});

test('CLIP visual weights load from a whole-CLIP file: visual.* only, unused tail allowed', async () => {
  const c = await readParityCase(goldenFiles(/^clip_visual\.safetensors$/)[0]);
  const config = clipConfigFromJson(c.config);
  const all = new Map<string, HostTensor>();
  for (const [k, v] of c.tensors) if (k.startsWith('visual.')) all.set(k, v);
  all.set('textual.token_embedding.weight', HostTensor.zeros([4, 2]));
  all.set('log_scale', HostTensor.zeros([]));
  const file = join(tmp, 'clip.safetensors');
  await writeSafetensors(file, all);
  const source = await openCheckpoint(file);
  const { weights } = await loadClipVisionWeights(source, { config });
  await source.close();
  assert.equal(weights.has('transformer.2.norm1.weight'), false, 'the last block is not read');
  assert.equal(weights.has('head'), false);
  const program = new Program(runtime, { device: 'cpu', threads: 2 });
  try {
    const res = await new ClipVisionEncoder(config, weights, program).encode(need(c, 'input.image'));
    assert.ok(compareTensors('f', res.features, need(c, 'output.features'), 1e-4, 1e-4).pass);
  } finally {
    await program.dispose();
  }
});
