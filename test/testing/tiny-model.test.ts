import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { InputError } from '../../src/engine/errors.js';
import type { HostTensor } from '../../src/engine/host-tensor.js';
import { Program } from '../../src/engine/program.js';
import { OrtNodeRuntime } from '../../src/engine/runtime/ort-node.js';
import { bindParameters, openCheckpoint } from '../../src/engine/weights/index.js';
import { clipConfigFromJson } from '../../src/models/wan/clip/config.js';
import { loadClipVisionWeights } from '../../src/models/wan/clip/load.js';
import { loadDit } from '../../src/models/wan/dit/load.js';
import { findModelFolder, isExperts } from '../../src/models/wan/folder.js';
import { vae21DiffusersToOfficial, vae22DiffusersToOfficial } from '../../src/models/wan/keymaps/index.js';
import { loadUmt5Weights } from '../../src/models/wan/umt5/load.js';
import { WanVae } from '../../src/models/wan/vae/model.js';
import { loadImageEncoder, loadTextEncoder, loadVae } from '../../src/pipelines/components.js';
import {
  CLIP_CONFIG_FILE,
  castAll,
  TINY_CLIP,
  TINY_MODEL_KINDS,
  type TinyModelFolder,
  tinyModelWeights,
  writeTinyModelFolder,
} from '../../src/testing/index.js';
import { loadTokenizer } from '../../src/tokenizers/index.js';
import { sameTensor, tempDir } from './helpers.js';

const root = tempDir('tiny-model');
const program = new Program(new OrtNodeRuntime(), { device: 'cpu', maxSessions: 4 });

function assertSameWeights(got: ReadonlyMap<string, HostTensor>, want: ReadonlyMap<string, HostTensor>, what: string) {
  assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort(), `${what}: parameter names`);
  for (const [k, t] of want) assert.ok(sameTensor(got.get(k) as HostTensor, t), `${what}: ${k} differs`);
}

/** Every check a pipeline relies on: the folder is found, and each component loads with the weights written. */
async function checkFolder(tiny: TinyModelFolder, seed: number): Promise<void> {
  const { configs: c, layout } = tiny;
  const want = tinyModelWeights(c, seed);
  const m = findModelFolder(tiny.root);
  assert.equal(m.layout, layout);
  assert.equal(isExperts(m.dit), c.experts);
  assert.equal(m.vae.version, c.vae.version);
  assert.equal(m.boundaryRatio, layout === 'diffusers' ? c.boundaryRatio : undefined);
  assert.equal(m.clip !== undefined, c.clip !== undefined);

  // As WanPipeline.open does: A14B experts and 2.2-VAE models are Wan2.2 DiTs.
  const version = isExperts(m.dit) || m.vae.version === '2.2' ? '2.2' : undefined;
  const dits = isExperts(m.dit) ? [m.dit.high, m.dit.low] : [m.dit];
  for (const [i, loc] of dits.entries()) {
    const d = await loadDit(loc, { version });
    assert.deepEqual(d.config, c.dit);
    assertSameWeights(d.weights, want.dit[i], `DiT ${i}`);
  }

  const vae = await loadVae(m.vae, m.vae.version, program);
  assert.deepEqual(vae.config, c.vae);
  await using vaeSrc = await openCheckpoint(m.vae.path);
  const vaeMap =
    layout === 'official'
      ? undefined
      : c.vae.version === '2.2'
        ? (k: string) => vae22DiffusersToOfficial(k, c.vae.numResBlocks)
        : vae21DiffusersToOfficial;
  const declared = new Map([...WanVae.declaredParams(c.vae)].map(([k, shape]) => [k, { shape }]));
  assertSameWeights(await bindParameters(declared, vaeSrc, { keyMap: vaeMap }), want.vae, 'VAE');

  const t5 = await loadTextEncoder(m.textEncoder, program);
  assert.deepEqual(t5.config, c.textEncoder);
  await using t5Src = await openCheckpoint(m.textEncoder.path);
  const t5Loaded = await loadUmt5Weights(t5Src);
  // The official file is bfloat16, as Wan-AI ships it; the transformers one float32.
  const t5Want = layout === 'official' ? castAll(want.textEncoder, 'bfloat16') : want.textEncoder;
  assertSameWeights(t5Loaded.weights, t5Want, 'UMT5');
  assert.equal((await loadTokenizer(m.tokenizer)).vocabSize, c.textEncoder.vocab);

  if (m.clip && want.clip) {
    if (layout === 'official') {
      // The folder declares its CLIP in clip_config.json, which the folder finder passes on.
      const config = clipConfigFromJson(JSON.parse(readFileSync(join(tiny.root, CLIP_CONFIG_FILE), 'utf8')));
      assert.deepEqual(config, TINY_CLIP);
      await using src = await openCheckpoint(m.clip.path);
      const { weights } = await loadClipVisionWeights(src, { config });
      const visual = new Map([...want.clip].filter(([k]) => weights.has(k.slice('visual.'.length))));
      assertSameWeights(weights, new Map([...visual].map(([k, t]) => [k.slice(7), t])), 'CLIP');
      const enc = await loadImageEncoder(m.clip, program);
      assert.deepEqual(enc.config, TINY_CLIP);
    } else {
      await assert.rejects(loadImageEncoder(m.clip, program), /only the official open-clip checkpoint/);
    }
  }
}

describe('writeTinyModelFolder: every kind and layout loads', () => {
  for (const kind of TINY_MODEL_KINDS) {
    for (const layout of ['official', 'diffusers'] as const) {
      it(`${kind}, ${layout} layout`, async () => {
        const tiny = await writeTinyModelFolder(join(root, `${kind}-${layout}`), { kind, layout, seed: 7 });
        await checkFolder(tiny, 7);
      });
    }
  }

  it('writes a sharded 1.3B-style DiT and a single-file A14B expert when asked', async () => {
    const sharded = await writeTinyModelFolder(join(root, 't2v-sharded'), {
      kind: 't2v-2.1',
      layout: 'official',
      sharded: true,
    });
    await checkFolder(sharded, 0);
    const single = await writeTinyModelFolder(join(root, 'a14b-single'), {
      kind: 't2v-a14b',
      layout: 'diffusers',
      sharded: false,
    });
    await checkFolder(single, 0);
    assert.ok(single.files.includes('transformer_2/diffusion_pytorch_model.safetensors'));
  });
});

describe('writeTinyModelFolder: files', () => {
  it('names files as the official releases do', async () => {
    const t2v = await writeTinyModelFolder(join(root, 'names-t2v'), { kind: 't2v-2.1', layout: 'official' });
    assert.deepEqual(t2v.files, [
      'Wan2.1_VAE.pth',
      'config.json',
      'diffusion_pytorch_model.safetensors',
      'google/umt5-xxl/special_tokens_map.json',
      'google/umt5-xxl/spiece.model',
      'google/umt5-xxl/tokenizer.json',
      'google/umt5-xxl/tokenizer_config.json',
      'models_t5_umt5-xxl-enc-bf16.pth',
    ]);
    const cfg = JSON.parse(readFileSync(join(t2v.root, 'config.json'), 'utf8'));
    assert.equal(cfg._class_name, 'WanModel');
    assert.equal(cfg.text_dim, t2v.configs.textEncoder.dim);
    const a14b = await writeTinyModelFolder(join(root, 'names-a14b'), { kind: 'i2v-a14b', layout: 'official' });
    for (const sub of ['high_noise_model', 'low_noise_model']) {
      for (const f of [
        'config.json',
        'diffusion_pytorch_model-00001-of-00002.safetensors',
        'diffusion_pytorch_model-00002-of-00002.safetensors',
        'diffusion_pytorch_model.safetensors.index.json',
      ]) {
        assert.ok(a14b.files.includes(`${sub}/${f}`), `${sub}/${f}`);
      }
    }
    const i2v = await writeTinyModelFolder(join(root, 'names-i2v'), { kind: 'i2v-2.1', layout: 'official' });
    assert.ok(i2v.files.includes('models_clip_open-clip-xlm-roberta-large-vit-huge-14.pth'));
    assert.ok(i2v.files.includes(CLIP_CONFIG_FILE));
  });

  it('writes the diffusers model_index, configs and key names', async () => {
    const tiny = await writeTinyModelFolder(join(root, 'names-diffusers'), { kind: 'i2v-2.1', layout: 'diffusers' });
    const json = (p: string) => JSON.parse(readFileSync(join(tiny.root, p), 'utf8'));
    const index = json('model_index.json');
    assert.equal(index._class_name, 'WanImageToVideoPipeline');
    assert.deepEqual(index.image_encoder, ['transformers', 'CLIPVisionModelWithProjection']);
    assert.deepEqual(index.transformer_2, [null, null]);
    const tr = json('transformer/config.json');
    assert.equal(tr._class_name, 'WanTransformer3DModel');
    assert.equal(tr.num_attention_heads * tr.attention_head_dim, tiny.configs.dit.dim);
    assert.equal(tr.image_dim, 1280);
    assert.equal(tr.qk_norm, 'rms_norm_across_heads');
    const vae = json('vae/config.json');
    assert.equal(vae._class_name, 'AutoencoderKLWan');
    assert.equal(vae.base_dim, 4);
    assert.equal(vae.latents_mean.length, 16);
    assert.equal(json('text_encoder/config.json').vocab_size, tiny.configs.textEncoder.vocab);
    await using dit = await openCheckpoint(
      join(tiny.root, 'transformer/diffusion_pytorch_model.safetensors.index.json'),
    );
    assert.ok(dit.has('condition_embedder.image_embedder.ff.net.0.proj.weight'));
    assert.ok(dit.has('blocks.0.attn2.add_k_proj.weight'));
    await using clip = await openCheckpoint(join(tiny.root, 'image_encoder/model.safetensors'));
    assert.deepEqual(clip.info('vision_model.encoder.layers.0.self_attn.q_proj.weight'), {
      dtype: 'bfloat16',
      shape: [1280, 1280],
      byteLength: 1280 * 1280 * 2,
    });
    assert.deepEqual(clip.info('visual_projection.weight').shape, [1024, 1280]);
  });

  it('is deterministic per seed', async () => {
    const a = await writeTinyModelFolder(join(root, 'seed-a'), { kind: 't2v-2.1', layout: 'official', seed: 5 });
    const b = await writeTinyModelFolder(join(root, 'seed-b'), { kind: 't2v-2.1', layout: 'official', seed: 5 });
    const c = await writeTinyModelFolder(join(root, 'seed-c'), { kind: 't2v-2.1', layout: 'official', seed: 6 });
    for (const f of a.files) {
      assert.ok(readFileSync(join(a.root, f)).equals(readFileSync(join(b.root, f))), f);
    }
    const dit = 'diffusion_pytorch_model.safetensors';
    assert.ok(!readFileSync(join(a.root, dit)).equals(readFileSync(join(c.root, dit))));
  });

  it('ships given tokenizer files and sizes the vocabulary to them', async () => {
    const tok = join('test', 'fixtures', 'tokenizers');
    const tiny = await writeTinyModelFolder(join(root, 'own-tokenizer'), {
      kind: 't2v-2.1',
      layout: 'diffusers',
      tokenizer: { spieceModel: join(tok, 'umt5-bf.model'), tokenizerJson: join(tok, 'umt5-bf.tokenizer.json') },
    });
    assert.equal(tiny.configs.textEncoder.vocab, 4000);
    assert.ok(tiny.files.includes('tokenizer/spiece.model'));
    assert.ok(readFileSync(join(tiny.root, 'tokenizer/spiece.model')).equals(readFileSync(join(tok, 'umt5-bf.model'))));
    await checkFolder(tiny, 0);
    await assert.rejects(
      writeTinyModelFolder(join(root, 'mismatched-tokenizer'), {
        kind: 't2v-2.1',
        layout: 'official',
        tokenizer: { spieceModel: join(tok, 'umt5-bf.model'), tokenizerJson: join(tok, 'plain.tokenizer.json') },
      }),
      (e: unknown) => e instanceof InputError && /4000 pieces.*3000/.test(e.message),
    );
  });

  it('refuses a non-empty folder and unknown kinds', async () => {
    const busy = join(root, 'busy');
    mkdirSync(busy);
    writeFileSync(join(busy, 'x'), '');
    await assert.rejects(writeTinyModelFolder(busy, { kind: 't2v-2.1', layout: 'official' }), InputError);
    await assert.rejects(
      writeTinyModelFolder(join(root, 'bad-kind'), { kind: 't2v-14b' as 't2v-2.1', layout: 'official' }),
      /must be one of/,
    );
  });
});
