import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HostTensor } from '../../src/engine/host-tensor.js';
import { mlpDim } from '../../src/models/wan/clip/config.js';
import {
  clipHfConfig,
  clipOfficialToHf,
  TINY_CLIP,
  tinyModelConfigs,
  tinyModelWeights,
} from '../../src/testing/index.js';

describe('clipOfficialToHf', () => {
  const c = tinyModelConfigs('i2v-2.1', 64);
  const official = tinyModelWeights(c, 1).clip as Map<string, HostTensor>;
  const hf = clipOfficialToHf(official);

  it('gives transformers CLIPVisionModelWithProjection names and shapes', () => {
    const d = TINY_CLIP.dim;
    const cfg = clipHfConfig(TINY_CLIP, 1024);
    const shape = (k: string) => hf.get(k)?.shape;
    assert.deepEqual(shape('vision_model.embeddings.class_embedding'), [d]);
    assert.deepEqual(shape('vision_model.embeddings.position_embedding.weight'), [5, d]);
    assert.deepEqual(shape('vision_model.embeddings.patch_embedding.weight'), [d, 3, 14, 14]);
    assert.deepEqual(shape('vision_model.pre_layrnorm.weight'), [d]);
    assert.deepEqual(shape('vision_model.post_layernorm.bias'), [d]);
    assert.deepEqual(shape('visual_projection.weight'), [cfg.projection_dim, d]);
    for (let i = 0; i < TINY_CLIP.numLayers; i++) {
      const l = `vision_model.encoder.layers.${i}`;
      for (const p of ['q', 'k', 'v', 'out']) assert.deepEqual(shape(`${l}.self_attn.${p}_proj.weight`), [d, d]);
      assert.deepEqual(shape(`${l}.mlp.fc1.weight`), [mlpDim(TINY_CLIP), d]);
      assert.deepEqual(shape(`${l}.layer_norm2.bias`), [d]);
    }
    // 5 embedding/norm tensors + projection + 16 per layer; log_scale (outside visual.) is dropped.
    assert.equal(hf.size, 2 + 1 + 4 + 1 + 16 * TINY_CLIP.numLayers);
  });

  it('splits q/k/v in order and transposes the projection', () => {
    const qkv = official.get('visual.transformer.1.attn.to_qkv.weight') as HostTensor<'float32'>;
    const d = TINY_CLIP.dim;
    const k = hf.get('vision_model.encoder.layers.1.self_attn.k_proj.weight') as HostTensor<'float32'>;
    assert.equal(k.data[0], qkv.data[d * d]);
    assert.equal(k.data[d * d - 1], qkv.data[2 * d * d - 1]);
    const vb = hf.get('vision_model.encoder.layers.1.self_attn.v_proj.bias') as HostTensor<'float32'>;
    assert.equal(
      vb.data[3],
      (official.get('visual.transformer.1.attn.to_qkv.bias') as HostTensor<'float32'>).data[2 * d + 3],
    );
    const head = official.get('visual.head') as HostTensor<'float32'>;
    const proj = hf.get('visual_projection.weight') as HostTensor<'float32'>;
    assert.equal(proj.data[5 * d + 7], head.data[7 * 1024 + 5]);
  });

  it('refuses unknown vision keys', () => {
    assert.throws(() => clipOfficialToHf(new Map([['visual.bogus.weight', HostTensor.f32([1], [0])]])), /bogus/);
  });
});
