import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  ditDiffusersToOfficial,
  ditOfficialToDiffusers,
  umt5HfToOfficial,
  umt5OfficialToHf,
  vae21DiffusersToOfficial,
  vae22DiffusersToOfficial,
} from '../../src/models/wan/keymaps/index.js';
import { fixture } from './fixtures.js';

type Pairs = [official: string, diffusers: string][];
const PAIRS = JSON.parse(readFileSync(fixture('keymap-pairs.json'), 'utf8')) as Record<string, Pairs>;

/** Every parameter name of an official Wan DiT (`WanModel`) with `layers` blocks. */
function officialDitKeys(layers: number, opts: { i2v?: boolean; flf2v?: boolean } = {}): string[] {
  const wb = (m: string) => [`${m}.weight`, `${m}.bias`];
  const keys = [
    ...wb('patch_embedding'),
    ...wb('text_embedding.0'),
    ...wb('text_embedding.2'),
    ...wb('time_embedding.0'),
    ...wb('time_embedding.2'),
    ...wb('time_projection.1'),
    'head.modulation',
    ...wb('head.head'),
  ];
  for (let n = 0; n < layers; n++) {
    const b = `blocks.${n}`;
    keys.push(`${b}.modulation`, ...wb(`${b}.norm3`), ...wb(`${b}.ffn.0`), ...wb(`${b}.ffn.2`));
    for (const attn of ['self_attn', 'cross_attn']) {
      for (const p of ['q', 'k', 'v', 'o']) keys.push(...wb(`${b}.${attn}.${p}`));
      keys.push(`${b}.${attn}.norm_q.weight`, `${b}.${attn}.norm_k.weight`);
    }
    if (opts.i2v)
      keys.push(...wb(`${b}.cross_attn.k_img`), ...wb(`${b}.cross_attn.v_img`), `${b}.cross_attn.norm_k_img.weight`);
  }
  if (opts.i2v) for (const i of [0, 1, 3, 4]) keys.push(...wb(`img_emb.proj.${i}`));
  if (opts.flf2v) keys.push('img_emb.emb_pos');
  return keys;
}

describe('DiT key map', () => {
  it('matches the diffusers converter on every key of a 2-block Wan2.1 I2V model', () => {
    const pairs = PAIRS.dit_i2v_wan21;
    assert.equal(pairs.length, 88);
    for (const [official, diffusers] of pairs) {
      assert.equal(ditOfficialToDiffusers(official), diffusers, official);
      assert.equal(ditDiffusersToOfficial(diffusers), official, diffusers);
    }
  });

  it('round-trips a generated full key list (i2v + flf2v, 2 blocks) and is one-to-one', () => {
    const keys = officialDitKeys(2, { i2v: true, flf2v: true });
    assert.equal(keys.length, 88);
    assert.deepEqual(keys.slice().sort(), PAIRS.dit_i2v_wan21.map(([o]) => o).sort());
    const mapped = keys.map((k) => ditOfficialToDiffusers(k));
    assert.equal(new Set(mapped).size, keys.length);
    for (const [i, d] of mapped.entries()) assert.equal(ditDiffusersToOfficial(d as string), keys[i]);
  });

  it('swaps norm2/norm3 and keeps k vs k_img, modulation vs head.modulation apart', () => {
    assert.equal(ditDiffusersToOfficial('blocks.7.norm2.weight'), 'blocks.7.norm3.weight');
    assert.equal(ditDiffusersToOfficial('blocks.7.norm3.weight'), 'blocks.7.norm2.weight');
    assert.equal(ditDiffusersToOfficial('condition_embedder.image_embedder.norm2.bias'), 'img_emb.proj.4.bias');
    assert.equal(ditDiffusersToOfficial('blocks.12.attn2.add_k_proj.weight'), 'blocks.12.cross_attn.k_img.weight');
    assert.equal(ditDiffusersToOfficial('blocks.12.attn2.to_k.weight'), 'blocks.12.cross_attn.k.weight');
    assert.equal(ditDiffusersToOfficial('blocks.3.scale_shift_table'), 'blocks.3.modulation');
    assert.equal(ditDiffusersToOfficial('scale_shift_table'), 'head.modulation');
    assert.equal(
      ditOfficialToDiffusers('blocks.39.cross_attn.norm_k_img.weight'),
      'blocks.39.attn2.norm_added_k.weight',
    );
  });

  it('returns undefined for keys outside the layout', () => {
    for (const k of [
      'unknown.weight',
      'blocks.x.norm2.weight',
      'blocks.1.attn3.to_q.weight',
      'proj_outx.weight',
      'rope.freqs',
    ]) {
      assert.equal(ditDiffusersToOfficial(k), undefined, k);
    }
    assert.equal(ditOfficialToDiffusers('blocks.0.self_attn.qq.weight'), undefined);
  });
});

describe('VAE key maps', () => {
  for (const [name, fn] of [
    ['vae21', vae21DiffusersToOfficial],
    ['vae22', vae22DiffusersToOfficial],
  ] as const) {
    it(`${name}: every diffusers key maps to the official key the converter derived it from`, () => {
      const pairs = PAIRS[name];
      assert.ok(pairs.length > 190);
      for (const [official, diffusers] of pairs) assert.equal(fn(diffusers), official, diffusers);
      assert.equal(new Set(pairs.map(([, d]) => fn(d))).size, pairs.length);
    });
  }

  it('returns undefined for unknown keys and keeps the 2.1 / 2.2 layouts apart', () => {
    assert.equal(vae21DiffusersToOfficial('decoder.up_blocks.0.upsampler.resample.1.weight'), undefined);
    assert.equal(vae22DiffusersToOfficial('decoder.up_blocks.0.upsamplers.0.resample.1.weight'), undefined);
    assert.equal(vae21DiffusersToOfficial('encoder.down_blocks.0.norm9.gamma'), undefined);
    assert.equal(vae21DiffusersToOfficial('clip.weight'), undefined);
    assert.equal(
      vae22DiffusersToOfficial('encoder.down_blocks.1.downsampler.time_conv.weight'),
      'encoder.downsamples.1.downsamples.2.time_conv.weight',
    );
  });
});

describe('UMT5 key map', () => {
  const official = (layers: number) => {
    const keys = ['token_embedding.weight', 'norm.weight'];
    for (let n = 0; n < layers; n++) {
      for (const p of [
        'attn.q',
        'attn.k',
        'attn.v',
        'attn.o',
        'pos_embedding.embedding',
        'norm1',
        'norm2',
        'ffn.gate.0',
        'ffn.fc1',
        'ffn.fc2',
      ]) {
        keys.push(`blocks.${n}.${p}.weight`);
      }
    }
    return keys;
  };

  it('maps Hugging Face names to the official ones', () => {
    const cases: [string, string][] = [
      ['shared.weight', 'token_embedding.weight'],
      ['encoder.embed_tokens.weight', 'token_embedding.weight'],
      ['encoder.block.0.layer.0.SelfAttention.q.weight', 'blocks.0.attn.q.weight'],
      ['encoder.block.23.layer.0.SelfAttention.o.weight', 'blocks.23.attn.o.weight'],
      [
        'encoder.block.5.layer.0.SelfAttention.relative_attention_bias.weight',
        'blocks.5.pos_embedding.embedding.weight',
      ],
      ['encoder.block.5.layer.0.layer_norm.weight', 'blocks.5.norm1.weight'],
      ['encoder.block.5.layer.1.layer_norm.weight', 'blocks.5.norm2.weight'],
      ['encoder.block.5.layer.1.DenseReluDense.wi_0.weight', 'blocks.5.ffn.gate.0.weight'],
      ['encoder.block.5.layer.1.DenseReluDense.wi_1.weight', 'blocks.5.ffn.fc1.weight'],
      ['encoder.block.5.layer.1.DenseReluDense.wo.weight', 'blocks.5.ffn.fc2.weight'],
      ['encoder.final_layer_norm.weight', 'norm.weight'],
    ];
    for (const [hf, off] of cases) assert.equal(umt5HfToOfficial(hf), off, hf);
    for (const k of [
      'decoder.block.0.layer.0.SelfAttention.q.weight',
      'lm_head.weight',
      'encoder.block.0.layer.2.layer_norm.weight',
    ]) {
      assert.equal(umt5HfToOfficial(k), undefined, k);
    }
  });

  it('round-trips the full official key list of a 24-layer encoder', () => {
    const keys = official(24);
    assert.equal(keys.length, 242);
    for (const k of keys) assert.equal(umt5HfToOfficial(umt5OfficialToHf(k) as string), k, k);
  });
});
