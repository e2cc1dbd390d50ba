// Writes complete, loadable Wan model folders with tiny random weights, in the
// official Wan-AI layout or the diffusers one, so pipelines, loaders and CLIs
// can be exercised end to end in seconds without downloading a model.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { InputError, throwIfAborted } from '../engine/errors.js';
import type { HostTensor } from '../engine/host-tensor.js';
import { writePth } from '../engine/weights/index.js';
import type { Layout } from '../models/wan/folder.js';
import { ditOfficialToDiffusers, umt5OfficialToHf } from '../models/wan/keymaps/index.js';
import { loadTokenizer } from '../tokenizers/index.js';
import { clipHfConfig, clipHfPreprocessorConfig, clipOfficialToHf } from './clip-hf-names.js';
import {
  diffusersDitConfig,
  diffusersModelIndex,
  diffusersSchedulerConfig,
  diffusersVaeConfig,
  officialDitConfig,
  umt5HfConfig,
} from './folder-configs.js';
import { TINY_MODEL_KINDS, type TinyModelConfigs, type TinyModelKind, tinyModelConfigs } from './tiny-configs.js';
import { tinySentencePieceModel, tinyTokenizerJson, tinyTokenizerSideFiles } from './tiny-tokenizer.js';
import { type TinyModelWeights, tinyModelWeights } from './tiny-weights.js';
import { vaeOfficialToDiffusers } from './vae-diffusers-names.js';
import { castAll, writeSafetensorsFiles } from './write-weights.js';

export interface TinyModelOptions {
  readonly kind: TinyModelKind;
  readonly layout: Layout;
  /** Seed of the random weights (default 0): equal options write equal folders. */
  readonly seed?: number;
  /**
   * Store each DiT (and the diffusers text encoder) as two shards plus an index
   * (default: as the release does: every kind but t2v-2.1).
   */
  readonly sharded?: boolean;
  /**
   * Tokenizer files to ship instead of the generated vocabulary (482 pieces):
   * a SentencePiece model (written as `spiece.model`) and/or a `tokenizer.json`.
   * The text encoder's vocabulary is sized to match.
   */
  readonly tokenizer?: { readonly spieceModel?: string; readonly tokenizerJson?: string };
  readonly signal?: AbortSignal;
}

export interface TinyModelFolder {
  readonly root: string;
  readonly kind: TinyModelKind;
  readonly layout: Layout;
  readonly configs: TinyModelConfigs;
  /** Files written, relative to `root` ('/'-separated), sorted. */
  readonly files: readonly string[];
}

/** Name of the config file a folder uses to declare a non-default CLIP vision tower (official layout). */
export const CLIP_CONFIG_FILE = 'clip_config.json';

const OFFICIAL_T5 = 'models_t5_umt5-xxl-enc-bf16.pth';
const OFFICIAL_CLIP = 'models_clip_open-clip-xlm-roberta-large-vit-huge-14.pth';
const DIT_STEM = 'diffusion_pytorch_model';
const FLOW_SHIFT: Readonly<Record<TinyModelKind, number>> = {
  't2v-2.1': 3,
  'i2v-2.1': 3,
  'ti2v-2.2': 5,
  't2v-a14b': 12,
  'i2v-a14b': 5,
};

/**
 * Writes a tiny model folder into `dir` (created; must be empty if it exists).
 * The folder opens with `findModelFolder` / `WanPipeline.open` like the release
 * it imitates. Official layout: `config.json` + `diffusion_pytorch_model*.safetensors`
 * (or `high_noise_model/`, `low_noise_model/`), `Wan2.x_VAE.pth`,
 * `models_t5_umt5-xxl-enc-bf16.pth` (bfloat16), `google/umt5-xxl/`, and for
 * i2v-2.1 the CLIP `.pth` plus {@link CLIP_CONFIG_FILE}. Diffusers layout:
 * `model_index.json`, `transformer/` (+ `transformer_2/`), `vae/`, `text_encoder/`,
 * `tokenizer/`, `scheduler/`, and for i2v-2.1 `image_encoder/` + `image_processor/`.
 * @example
 * const tiny = await writeTinyModelFolder(dir, { kind: 't2v-2.1', layout: 'official' });
 * const pipe = await WanPipeline.open(tiny.root, { runtime });
 */
export async function writeTinyModelFolder(dir: string, opts: TinyModelOptions): Promise<TinyModelFolder> {
  if (!TINY_MODEL_KINDS.includes(opts.kind)) {
    throw new InputError(`tiny model kind must be one of ${TINY_MODEL_KINDS.join(', ')}, got '${opts.kind}'`);
  }
  if (opts.layout !== 'official' && opts.layout !== 'diffusers') {
    throw new InputError(`tiny model layout must be 'official' or 'diffusers', got '${opts.layout}'`);
  }
  if (existsSync(dir) && (!statSync(dir).isDirectory() || readdirSync(dir).length > 0)) {
    throw new InputError(`tiny model folder '${dir}' is not empty; give a new or empty folder`);
  }
  const out = new FolderWriter(dir, opts.signal);
  const official = opts.layout === 'official';
  const tokDir = official ? 'google/umt5-xxl' : 'tokenizer';
  const vocab = await writeTokenizer(out, tokDir, opts.tokenizer);
  const configs = tinyModelConfigs(opts.kind, vocab);
  const weights = tinyModelWeights(configs, opts.seed ?? 0);
  const shards = (opts.sharded ?? opts.kind !== 't2v-2.1') ? 2 : 1;
  if (official) await writeOfficial(out, configs, weights, shards);
  else await writeDiffusers(out, configs, weights, shards);
  return { root: dir, kind: opts.kind, layout: opts.layout, configs, files: out.files() };
}

async function writeOfficial(
  out: FolderWriter,
  c: TinyModelConfigs,
  w: TinyModelWeights,
  shards: number,
): Promise<void> {
  const ditDirs = c.experts ? ['high_noise_model', 'low_noise_model'] : [''];
  for (const [i, sub] of ditDirs.entries()) {
    await out.json(join(sub, 'config.json'), officialDitConfig(c.dit));
    await out.safetensors(sub, DIT_STEM, w.dit[i], shards);
  }
  await out.pth(c.vae.version === '2.2' ? 'Wan2.2_VAE.pth' : 'Wan2.1_VAE.pth', w.vae);
  await out.pth(OFFICIAL_T5, castAll(w.textEncoder, 'bfloat16'));
  if (c.clip && w.clip) {
    await out.pth(OFFICIAL_CLIP, w.clip);
    await out.json(CLIP_CONFIG_FILE, clipConfigJson(c));
  }
}

async function writeDiffusers(
  out: FolderWriter,
  c: TinyModelConfigs,
  w: TinyModelWeights,
  shards: number,
): Promise<void> {
  await out.json('model_index.json', diffusersModelIndex(c));
  // transformer/ is the high-noise expert, transformer_2/ the low-noise one.
  const ditDirs = c.experts ? ['transformer', 'transformer_2'] : ['transformer'];
  for (const [i, sub] of ditDirs.entries()) {
    await out.json(`${sub}/config.json`, diffusersDitConfig(c.dit));
    await out.safetensors(sub, DIT_STEM, rename(w.dit[i], ditOfficialToDiffusers, 'DiT'), shards);
  }
  const vaeName = (k: string) => vaeOfficialToDiffusers(k, c.vae.version, c.vae.numResBlocks);
  await out.json('vae/config.json', diffusersVaeConfig(c.vae));
  await out.safetensors('vae', DIT_STEM, rename(w.vae, vaeName, 'VAE'), 1);
  await out.json('text_encoder/config.json', umt5HfConfig(c.textEncoder));
  await out.safetensors('text_encoder', 'model', rename(w.textEncoder, umt5OfficialToHf, 'UMT5'), shards);
  await out.json('scheduler/scheduler_config.json', diffusersSchedulerConfig(FLOW_SHIFT[c.kind]));
  if (c.clip && w.clip && c.clipEmbedDim !== undefined) {
    await out.json('image_encoder/config.json', clipHfConfig(c.clip, c.clipEmbedDim));
    await out.safetensors('image_encoder', 'model', castAll(clipOfficialToHf(w.clip), 'bfloat16'), 1);
    await out.json('image_processor/preprocessor_config.json', clipHfPreprocessorConfig(c.clip));
  }
}

/** The CLIP sidecar: `clipConfigFromJson`'s snake_case schema. */
function clipConfigJson(c: TinyModelConfigs): Record<string, unknown> {
  const v = c.clip;
  if (!v) return {};
  return {
    image_size: v.imageSize,
    patch_size: v.patchSize,
    dim: v.dim,
    mlp_ratio: v.mlpRatio,
    num_heads: v.numHeads,
    num_layers: v.numLayers,
    norm_eps: v.normEps,
    pool_type: v.poolType,
    pre_norm: v.preNorm,
    post_norm: v.postNorm,
    activation: v.activation,
    clip_mean: [...v.mean],
    clip_std: [...v.std],
    use_31_block: v.skipLastBlock,
  };
}

function rename(
  tensors: ReadonlyMap<string, HostTensor>,
  map: (official: string) => string | undefined,
  what: string,
): Map<string, HostTensor> {
  const out = new Map<string, HostTensor>();
  for (const [k, t] of tensors) {
    const name = map(k);
    if (name === undefined) throw new InputError(`${what} parameter '${k}' has no diffusers/transformers name`);
    out.set(name, t);
  }
  return out;
}

/**
 * Writes the tokenizer folder (given files, or the generated spiece.model +
 * tokenizer.json with their side files) and returns its vocabulary size.
 */
async function writeTokenizer(out: FolderWriter, sub: string, given: TinyModelOptions['tokenizer']): Promise<number> {
  if (given && (given.spieceModel || given.tokenizerJson)) {
    const sizes: number[] = [];
    for (const [src, name] of [
      [given.spieceModel, 'spiece.model'],
      [given.tokenizerJson, 'tokenizer.json'],
    ] as const) {
      if (!src) continue;
      await out.copy(src, `${sub}/${name}`);
      sizes.push((await loadTokenizer(out.path(`${sub}/${name}`))).vocabSize);
    }
    if (sizes.length === 2 && sizes[0] !== sizes[1]) {
      throw new InputError(
        `tokenizer files disagree: ${given.spieceModel} has ${sizes[0]} pieces, ${given.tokenizerJson} has ${sizes[1]}`,
      );
    }
    for (const [name, json] of Object.entries(tinyTokenizerSideFiles())) await out.json(`${sub}/${name}`, json);
    return sizes[0];
  }
  await out.bytes(`${sub}/spiece.model`, tinySentencePieceModel());
  await out.json(`${sub}/tokenizer.json`, tinyTokenizerJson());
  for (const [name, json] of Object.entries(tinyTokenizerSideFiles())) await out.json(`${sub}/${name}`, json);
  return (await loadTokenizer(out.path(sub))).vocabSize;
}

/** Writes files under one root and remembers their relative names. */
class FolderWriter {
  readonly #root: string;
  readonly #signal: AbortSignal | undefined;
  readonly #files: string[] = [];

  constructor(root: string, signal: AbortSignal | undefined) {
    this.#root = root;
    this.#signal = signal;
  }

  path(rel: string): string {
    return join(this.#root, rel);
  }

  files(): string[] {
    return [...this.#files].sort();
  }

  async #prepare(rel: string): Promise<string> {
    throwIfAborted(this.#signal);
    const p = this.path(rel);
    await mkdir(dirname(p), { recursive: true });
    this.#files.push(rel.split(/[\\/]/).join('/'));
    return p;
  }

  async bytes(rel: string, data: Uint8Array | string): Promise<void> {
    await writeFile(await this.#prepare(rel), data);
  }

  async json(rel: string, value: unknown): Promise<void> {
    await this.bytes(rel, `${JSON.stringify(value, null, 2)}\n`);
  }

  async copy(src: string, rel: string): Promise<void> {
    await copyFile(src, await this.#prepare(rel));
  }

  async pth(rel: string, tensors: ReadonlyMap<string, HostTensor>): Promise<void> {
    await writePth(await this.#prepare(rel), tensors, { signal: this.#signal });
  }

  async safetensors(
    sub: string,
    stem: string,
    tensors: ReadonlyMap<string, HostTensor>,
    shards: number,
  ): Promise<void> {
    throwIfAborted(this.#signal);
    await mkdir(this.path(sub), { recursive: true });
    const names = await writeSafetensorsFiles(this.path(sub), stem, tensors, {
      shards,
      metadata: { format: 'pt' },
      signal: this.#signal,
    });
    for (const n of names) this.#files.push(sub ? `${sub}/${n}` : n);
  }
}
