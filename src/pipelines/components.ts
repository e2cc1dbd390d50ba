// Loading each component of a model folder into a runnable model. Each loader
// reads its weights only when called, so the pipeline can hold one component
// at a time (text encoder → DiT → VAE) and peak memory is the largest of them.
import { readFileSync } from 'node:fs';
import { InputError } from '../engine/errors.js';
import type { Program } from '../engine/program.js';
import { bindParameters, openCheckpoint, type TensorSource } from '../engine/weights/index.js';
import { clipConfigFromJson } from '../models/wan/clip/config.js';
import { loadClipVisionWeights } from '../models/wan/clip/load.js';
import { ClipVisionEncoder } from '../models/wan/clip/model.js';
import type { WeightsLocation } from '../models/wan/folder.js';
import { vae21DiffusersToOfficial, vae22DiffusersToOfficial } from '../models/wan/keymaps/index.js';
import { loadUmt5Weights } from '../models/wan/umt5/load.js';
import { Umt5Encoder } from '../models/wan/umt5/model.js';
import { type VaeVersion, vaeConfigFromJson, type WanVaeConfig } from '../models/wan/vae/config.js';
import { WanVae } from '../models/wan/vae/model.js';

function readJson(path: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch (e) {
    throw new InputError(`${path}: not valid JSON (${(e as Error).message})`);
  }
  throw new InputError(`${path}: expected a JSON object`);
}

/** VAE config: diffusers config.json (AutoencoderKLWan), else widths read from the tensor shapes. */
export function vaeConfigFor(source: TensorSource, loc: WeightsLocation, version: VaeVersion): WanVaeConfig {
  if (loc.configPath) {
    const j = readJson(loc.configPath);
    return vaeConfigFromJson(
      {
        dim: j.base_dim ?? j.dim,
        dec_dim: j.decoder_base_dim ?? j.dec_dim,
        z_dim: j.z_dim,
        dim_mult: j.dim_mult,
        num_res_blocks: j.num_res_blocks,
        temperal_downsample: j.temperal_downsample,
        latents_mean: j.latents_mean,
        latents_std: j.latents_std,
      },
      version,
    );
  }
  const shape = (k: string): readonly number[] | undefined => (source.has(k) ? source.info(k).shape : undefined);
  const dim = shape('encoder.conv1.weight')?.[0];
  const z = shape('conv2.weight')?.[0];
  const decIn = shape('decoder.head.2.weight')?.[1];
  return vaeConfigFromJson(
    { ...(dim ? { dim } : {}), ...(z ? { z_dim: z } : {}), ...(version === '2.2' && decIn ? { dec_dim: decIn } : {}) },
    version,
  );
}

export async function loadVae(
  loc: WeightsLocation,
  version: VaeVersion,
  program: Program,
  signal?: AbortSignal,
): Promise<WanVae> {
  const source = await openCheckpoint(loc.path);
  try {
    const diffusers = source.keys().some((k) => k.startsWith('encoder.conv_in.') || k.startsWith('quant_conv.'));
    const config = vaeConfigFor(source, loc, version);
    const keyMap = diffusers
      ? version === '2.2'
        ? (k: string) => vae22DiffusersToOfficial(k, config.numResBlocks)
        : vae21DiffusersToOfficial
      : undefined;
    const declared = new Map([...WanVae.declaredParams(config)].map(([k, shape]) => [k, { shape }]));
    const weights = await bindParameters(declared, source, { keyMap, signal });
    return new WanVae(config, weights, program);
  } finally {
    await source.close();
  }
}

export async function loadTextEncoder(
  loc: WeightsLocation,
  program: Program,
  signal?: AbortSignal,
): Promise<Umt5Encoder> {
  const source = await openCheckpoint(loc.path);
  try {
    const { config, weights } = await loadUmt5Weights(source, { signal });
    return new Umt5Encoder(config, weights, program);
  } finally {
    await source.close();
  }
}

export async function loadImageEncoder(
  loc: WeightsLocation,
  program: Program,
  signal?: AbortSignal,
): Promise<ClipVisionEncoder> {
  const source = await openCheckpoint(loc.path);
  try {
    if (!source.keys().some((k) => k.startsWith('visual.'))) {
      throw new InputError(
        `${loc.path}: only the official open-clip checkpoint (keys 'visual.*') is supported for the Wan2.1 image encoder`,
      );
    }
    const config = loc.configPath ? clipConfigFromJson(readJson(loc.configPath)) : undefined;
    const { config: c, weights } = await loadClipVisionWeights(source, { signal, config });
    return new ClipVisionEncoder(c, weights, program);
  } finally {
    await source.close();
  }
}
