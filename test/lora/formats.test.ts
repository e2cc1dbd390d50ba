// LoRA files: writing and reading the three namings, files from other trainers,
// the per-key report, merging into weights and applying on the fly.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { randomWeights } from '../../src/bench/random-weights.js';
import { halfToFloat32 } from '../../src/engine/dtype.js';
import { HostTensor } from '../../src/engine/host-tensor.js';
import { Program } from '../../src/engine/program.js';
import { OrtNodeRuntime } from '../../src/engine/runtime/ort-node.js';
import { WanDiT } from '../../src/models/wan/dit/model.js';
import {
  encodeLoraTensors,
  type LoraModule,
  LoraProgram,
  type LoraWeights,
  loraScale,
  mergeLoras,
  parseLora,
  readLora,
  writeLora,
} from '../../src/models/wan/lora/index.js';
import { TrainRng } from '../../src/training/rng.js';
import { tinyDitConfig } from '../../src/training/toy.js';
import { tempDir } from '../weights/tmp.js';

const rng = new TrainRng(5);
const rand = (shape: number[], s = 0.3): HostTensor =>
  HostTensor.f32(
    shape,
    rng.normals(shape.reduce((a, b) => a * b, 1)).map((v) => v * s),
  );

function sampleLora(): LoraWeights {
  const mod = (out: number, inF: number, r: number, alpha: number) => ({
    down: rand([r, inF]),
    up: rand([out, r]),
    alpha,
  });
  return {
    modules: new Map([
      ['blocks.0.self_attn.q', mod(32, 32, 4, 8)],
      ['blocks.1.cross_attn.v', mod(32, 32, 4, 4)],
      ['blocks.0.ffn.0', mod(64, 32, 4, 2)],
      ['text_embedding.0', mod(32, 16, 4, 4)],
    ]),
    diffs: new Map([['blocks.0.norm3.weight', rand([32], 0.05)]]),
  };
}

/** scale·B·A per module, for comparing adapters that differ only in how the scale is stored. */
function deltas(l: LoraWeights): Map<string, Float64Array> {
  const out = new Map<string, Float64Array>();
  for (const [m, mod] of l.modules) {
    const [o, r] = mod.up.shape;
    const i = mod.down.shape[1];
    const A = mod.down.data as Float32Array;
    const B = mod.up.data as Float32Array;
    const d = new Float64Array(o * i);
    for (let a = 0; a < o; a++)
      for (let k = 0; k < r; k++) for (let b = 0; b < i; b++) d[a * i + b] += B[a * r + k] * A[k * i + b];
    out.set(
      m,
      d.map((v) => v * loraScale(mod)),
    );
  }
  return out;
}

function assertSameDeltas(a: LoraWeights, b: LoraWeights, tol: number): void {
  const da = deltas(a);
  const db = deltas(b);
  assert.deepEqual([...db.keys()].sort(), [...da.keys()].sort());
  for (const [m, d] of da) {
    const e = db.get(m) as Float64Array;
    const err = d.reduce((mx, v, i) => Math.max(mx, Math.abs(v - e[i])), 0);
    assert.ok(err <= tol, `${m}: max difference ${err}`);
  }
}

test('write then read each naming: same adapters, expected key names', () => {
  const lora = sampleLora();
  const expected = {
    diffusers: ['transformer.blocks.0.attn1.to_q.lora_A.weight', 'transformer.blocks.0.attn1.to_q.lora_B.weight'],
    original: [
      'diffusion_model.blocks.0.self_attn.q.lora_down.weight',
      'diffusion_model.blocks.0.self_attn.q.lora_up.weight',
      'diffusion_model.blocks.0.self_attn.q.alpha',
    ],
    kohya: [
      'lora_unet_blocks_0_self_attn_q.lora_down.weight',
      'lora_unet_blocks_0_self_attn_q.lora_up.weight',
      'lora_unet_blocks_0_self_attn_q.alpha',
    ],
  } as const;
  for (const style of ['diffusers', 'original', 'kohya'] as const) {
    const { tensors, metadata } = encodeLoraTensors(lora, { style });
    for (const k of expected[style]) assert.ok(tensors.has(k), `${style}: has ${k}`);
    if (style === 'diffusers') {
      assert.ok(![...tensors.keys()].some((k) => k.endsWith('.alpha')), 'diffusers files carry no alpha tensors');
      assert.ok(tensors.has('transformer.blocks.0.norm2.diff'), 'official norm3 is diffusers norm2');
      assert.equal(JSON.parse(metadata.lora_adapter_metadata)['transformer.r'], 4);
    }
    const back = parseLora(tensors, metadata);
    assert.equal(back.style, style);
    assert.deepEqual(back.issues, []);
    assertSameDeltas(lora, back.lora, 1e-6);
    assert.deepEqual(back.lora.diffs.get('blocks.0.norm3.weight')?.data, lora.diffs.get('blocks.0.norm3.weight')?.data);
  }
});

test('files from other trainers: PEFT prefixes, lora_A in ComfyUI names, kohya alpha metadata; per-key report', () => {
  const A = rand([2, 32]);
  const B = rand([32, 2]);
  const peft = parseLora(
    new Map([
      ['base_model.model.blocks.3.attn2.to_k.lora_A.default.weight', A],
      ['base_model.model.blocks.3.attn2.to_k.lora_B.default.weight', B],
    ]),
    { lora_adapter_metadata: JSON.stringify({ 'transformer.r': 2, 'transformer.lora_alpha': 8 }) },
  );
  assert.equal(peft.lora.modules.get('blocks.3.cross_attn.k')?.alpha, 8);

  const comfy = parseLora(
    new Map([
      ['diffusion_model.blocks.3.ffn.2.lora_A.weight', A.reshape([2, 32])],
      ['diffusion_model.blocks.3.ffn.2.lora_B.weight', B],
    ]),
  );
  assert.ok(comfy.lora.modules.has('blocks.3.ffn.2'));
  assert.equal(comfy.style, 'original');

  const kohya = parseLora(
    new Map([
      ['lora_unet_blocks_12_cross_attn_k_img.lora_down.weight', A],
      ['lora_unet_blocks_12_cross_attn_k_img.lora_up.weight', B],
      ['lora_unet_blocks_2_self_attn_o.lora_down.weight', A.reshape([2, 32, 1, 1])],
      ['lora_unet_blocks_2_self_attn_o.lora_up.weight', B.reshape([32, 2, 1, 1])],
      ['lora_te_text_model_encoder_layers_0_mlp_fc1.lora_down.weight', A],
      ['lora_unet_blocks_0_mystery_x.lora_down.weight', A],
      ['lora_unet_blocks_1_ffn_0.lora_up.weight', B],
      ['lora_unet_blocks_1_ffn_0.hada_w1_a', A],
      ['lora_unet_blocks_4_self_attn_q.lora_down.weight', rand([3, 32])],
      ['lora_unet_blocks_4_self_attn_q.lora_up.weight', B],
    ]),
    { ss_network_alpha: '1', ss_network_dim: '2' },
  );
  assert.equal(kohya.style, 'kohya');
  assert.deepEqual([...kohya.lora.modules.keys()].sort(), ['blocks.12.cross_attn.k_img', 'blocks.2.self_attn.o']);
  assert.equal(kohya.lora.modules.get('blocks.2.self_attn.o')?.alpha, 1);
  const reasons = new Map(kohya.issues.map((i) => [i.key, i.reason]));
  assert.match(reasons.get('lora_te_text_model_encoder_layers_0_mlp_fc1.lora_down.weight') ?? '', /text-encoder/);
  assert.match(reasons.get('lora_unet_blocks_0_mystery_x.lora_down.weight') ?? '', /not a known Wan DiT module/);
  assert.match(reasons.get('lora_unet_blocks_1_ffn_0.lora_up.weight') ?? '', /no down/);
  assert.match(reasons.get('lora_unet_blocks_1_ffn_0.hada_w1_a') ?? '', /LoHa/);
  assert.match(reasons.get('lora_unet_blocks_4_self_attn_q.lora_down.weight') ?? '', /not \[rank, in\]/);
  assert.equal(kohya.issues.length, 6);
});

test('files on disk (bfloat16), merging into weights, and on-the-fly application agree', async () => {
  const dir = tempDir('lora');
  const lora = sampleLora();
  await writeLora(join(dir, 'a.safetensors'), lora, { style: 'original', dtype: 'bfloat16' });
  const read = await readLora(join(dir, 'a.safetensors'));
  assert.deepEqual(read.issues, []);
  assert.equal(read.lora.modules.get('blocks.0.self_attn.q')?.alpha, 8);
  assertSameDeltas(lora, read.lora, 0.05);

  const c = tinyDitConfig();
  const base = randomWeights(WanDiT.declaredParams(c), 2);
  const second: LoraWeights = {
    modules: new Map([
      ['blocks.1.self_attn.k', { down: rand([2, 32]), up: rand([32, 2]), alpha: 2 }],
      ['blocks.7.self_attn.k', { down: rand([2, 32]), up: rand([32, 2]), alpha: 2 }],
      ['blocks.0.ffn.2', { down: rand([2, 32]), up: rand([32, 2]), alpha: 2 }],
    ]),
    diffs: new Map(),
  };
  const uses = [
    { lora, strength: 0.7, name: 'a' },
    { lora: second, strength: -0.3, name: 'b' },
  ];
  const merged = mergeLoras(base, uses);
  // hand check of one merged element
  const q = lora.modules.get('blocks.0.self_attn.q');
  const w0 = ((base.get('blocks.0.self_attn.q.weight') as HostTensor).data as Float32Array)[5];
  let ba = 0;
  for (let k = 0; k < 4; k++)
    ba += ((q as LoraModule).up.data as Float32Array)[k] * ((q as LoraModule).down.data as Float32Array)[k * 32 + 5];
  const w1 = ((merged.weights.get('blocks.0.self_attn.q.weight') as HostTensor).data as Float32Array)[5];
  assert.ok(Math.abs(w1 - (w0 + 0.7 * 2 * ba)) < 1e-6);
  assert.deepEqual(
    merged.issues.map((i) => i.key),
    ['b: blocks.7.self_attn.k', 'b: blocks.0.ffn.2'],
  );
  assert.match(merged.issues[0].reason, /no weight/);
  assert.match(merged.issues[1].reason, /\[32, 64\]/);
  assert.ok(merged.applied.includes('blocks.0.norm3.weight'), 'diffs are merged');

  // bf16 base weights stay bf16
  const bf = new Map([
    ['blocks.0.ffn.0.weight', new HostTensor('bfloat16', [64, 32], new Uint16Array(64 * 32).fill(0x3f80))],
  ]);
  const mb = mergeLoras(bf, [{ lora, strength: 1 }]);
  const t = mb.weights.get('blocks.0.ffn.0.weight') as HostTensor;
  assert.equal(t.dtype, 'bfloat16');
  assert.notEqual(halfToFloat32(t.data as Uint16Array, 'bfloat16')[0], 1);

  const rt = new OrtNodeRuntime();
  const opts = { device: 'cpu' as const, threads: 1 };
  const sample = {
    x: HostTensor.f32([4, 1, 4, 4], new TrainRng(1).normals(64)),
    context: HostTensor.f32([3, 16], new TrainRng(2).normals(48)),
    t: 600,
  };
  const plain = new Program(rt, opts);
  const onTheFly = new LoraProgram(rt, opts, uses);
  try {
    const ref = (await new WanDiT(c, merged.weights, plain).forward([sample])).outputs[0].data as Float32Array;
    const fly = (await new WanDiT(c, base, onTheFly).forward([sample])).outputs[0].data as Float32Array;
    const err = ref.reduce((m, v, i) => Math.max(m, Math.abs(v - fly[i])), 0);
    assert.ok(err < 1e-5, `on the fly vs merged: max difference ${err}`);
    assert.deepEqual(
      onTheFly.issues().map((i) => i.key),
      ['blocks.7.self_attn.k.weight', 'blocks.0.ffn.2.weight'],
    );
    onTheFly.setStrength(0, 0);
    onTheFly.setStrength(1, 0);
    const off = (await new WanDiT(c, base, onTheFly).forward([sample])).outputs[0].data as Float32Array;
    const baseOut = (await new WanDiT(c, base, plain).forward([sample])).outputs[0].data as Float32Array;
    assert.ok(
      off.every((v, i) => Math.abs(v - baseOut[i]) < 1e-6),
      'strength 0 gives the base model',
    );
  } finally {
    await plain.dispose();
    await onTheFly.dispose();
  }
});
