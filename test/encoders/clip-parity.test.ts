import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { InputError } from '../../src/engine/errors.js';
import { HostTensor, toFloat32 } from '../../src/engine/host-tensor.js';
import { Program } from '../../src/engine/program.js';
import { readSafetensors } from '../../src/engine/weights/safetensors.js';
import { CLIP_VIT_H_14, clipConfigFromJson, tokenCount } from '../../src/models/wan/clip/config.js';
import { ClipVisionEncoder } from '../../src/models/wan/clip/model.js';
import { bicubicResizeTorch, clipPreprocess } from '../../src/models/wan/clip/preprocess.js';
import { caseWeights, need, readParityCase } from '../../src/parity/case-file.js';
import { runClipCase } from '../../src/parity/clip.js';
import { compareTensors } from '../../src/parity/compare.js';
import { FIXTURES, goldenFiles, runCase, runtime } from './helpers.js';

const files = goldenFiles(/^clip_.*\.safetensors$/);

test('the CLIP golden cases are present', () => {
  for (const name of ['clip_visual.safetensors', 'clip_variant.safetensors', 'clip_swiglu.safetensors']) {
    assert.ok(
      files.some((f) => f.endsWith(name)),
      name,
    );
  }
});

for (const file of files) {
  test(`CLIP parity: ${file}`, async () => {
    const results = await runCase(file, runClipCase);
    assert.ok(results.some((r) => r.name === 'output.features'));
    for (const r of results) assert.ok(r.pass, `${r.name}: max_abs ${r.maxAbs} ${r.note ?? ''}`);
  });
}

test('bicubic resize is bit-identical to PyTorch (up- and downscaling, 1-pixel axes, border clamping)', async () => {
  const { tensors } = await readSafetensors(join(FIXTURES, 'bicubic-torch.safetensors'));
  let cases = 0;
  for (let i = 0; tensors.has(`case${i}.input`); i++) {
    const x = toFloat32(tensors.get(`case${i}.input`) as HostTensor);
    const y = toFloat32(tensors.get(`case${i}.output`) as HostTensor);
    const [c, h, w] = x.shape;
    const out = bicubicResizeTorch(x.data, c, h, w, y.shape[1], y.shape[2]);
    let diff = 0;
    for (let k = 0; k < out.length; k++) if (out[k] !== y.data[k]) diff++;
    assert.equal(diff, 0, `case${i} ${x.shape} -> ${y.shape}: ${diff} values differ`);
    cases++;
  }
  assert.ok(cases >= 5);
});

test('preprocessing maps [-1, 1] to CLIP-normalised pixels per channel', () => {
  const c = { ...CLIP_VIT_H_14, imageSize: 4 };
  const img = HostTensor.f32([3, 4, 4], new Float32Array(48).fill(1));
  img.data.fill(-1, 16, 32);
  const px = clipPreprocess(img, c);
  assert.deepEqual(px.shape, [3, 4, 4]);
  const f = Math.fround;
  assert.equal(px.data[0], f(f(1 - f(c.mean[0])) / f(c.std[0])));
  assert.equal(px.data[16], f(f(0 - f(c.mean[1])) / f(c.std[1])));
  assert.throws(() => clipPreprocess(HostTensor.f32([4, 2, 2], new Float32Array(16)), c), InputError);
});

test('a batch of images of different sizes gives one feature map per image', async () => {
  const c = await readParityCase(files.find((f) => f.endsWith('clip_visual.safetensors')) as string);
  const config = clipConfigFromJson(c.config);
  const program = new Program(runtime, { device: 'cpu', threads: 2 });
  try {
    const enc = new ClipVisionEncoder(config, caseWeights(c, 'visual.'), program);
    const image = toFloat32(need(c, 'input.image'));
    const other = HostTensor.f32(
      [3, 17, 9],
      Float32Array.from({ length: 3 * 17 * 9 }, (_, i) => Math.sin(i)),
    );
    const res = await enc.encode([other, image]);
    assert.deepEqual(res.features.shape, [2, tokenCount(config), config.dim]);
    const second = HostTensor.f32(
      [1, tokenCount(config), config.dim],
      res.features.data.slice(tokenCount(config) * config.dim),
    );
    const r = compareTensors('features', second, need(c, 'output.features'), 1e-4, 1e-4);
    assert.ok(r.pass, `image 2 of the batch: ${r.maxAbs}`);
    assert.deepEqual(
      ClipVisionEncoder.declaredParams(config).has('transformer.2.norm1.weight'),
      false,
      'last block unused',
    );
  } finally {
    await program.dispose();
  }
});

test('the ViT-H/14 preset declares the real parameter shapes', () => {
  const p = ClipVisionEncoder.declaredParams(CLIP_VIT_H_14);
  assert.deepEqual(p.get('patch_embedding.weight'), [1280, 3, 14, 14]);
  assert.deepEqual(p.get('pos_embedding'), [1, 257, 1280]);
  assert.deepEqual(p.get('transformer.30.attn.to_qkv.weight'), [3840, 1280]);
  assert.deepEqual(p.get('transformer.30.mlp.0.weight'), [5120, 1280]);
  assert.equal(p.has('transformer.31.attn.to_qkv.weight'), false);
  assert.equal(p.has('patch_embedding.bias'), false);
  const total = [...p.values()].reduce((a, s) => a + s.reduce((x, y) => x * y, 1), 0);
  assert.equal(total, 611_086_080); // 31 blocks of 19,677,440 + embeddings and pre_norm
});
