// Loading a DiT checkpoint (official or diffusers names, single file, shards or
// .pth) into a weight map with its configuration.
import { readFileSync } from 'node:fs';
import { InputError } from '../../../engine/errors.js';
import type { HostTensor } from '../../../engine/host-tensor.js';
import { bindParameters, openCheckpoint, type TensorSource } from '../../../engine/weights/index.js';
import type { WeightsLocation } from '../folder.js';
import { ditDiffusersToOfficial } from '../keymaps/index.js';
import type { WanDitConfig, WanVersion } from './config.js';
import { ditConfigFromFile, ditConfigFromShapes } from './detect.js';
import { WanDiT } from './model.js';

/** Prefixes some tools put in front of every DiT key (ComfyUI, LoRA-merged exports). */
const KNOWN_PREFIXES = ['model.diffusion_model.', 'diffusion_model.', 'model.'];

export interface DitNaming {
  readonly prefix: string;
  readonly diffusers: boolean;
  /** Checkpoint key (prefix stripped) → official name. */
  readonly keyMap: (key: string) => string | undefined;
}

/** Works out how a source names its DiT tensors. */
export function ditNaming(source: Pick<TensorSource, 'keys'>): DitNaming {
  const keys = source.keys();
  const prefix = KNOWN_PREFIXES.find((p) => keys.length > 0 && keys.every((k) => k.startsWith(p))) ?? '';
  const diffusers = keys.some((k) => k.startsWith(`${prefix}condition_embedder.`) || k === `${prefix}proj_out.weight`);
  return { prefix, diffusers, keyMap: diffusers ? ditDiffusersToOfficial : (k) => k };
}

/** Official-name → shape map of a source, via its naming. */
export function officialShapes(source: TensorSource, naming: DitNaming): Map<string, readonly number[]> {
  const out = new Map<string, readonly number[]>();
  for (const k of source.keys()) {
    if (!k.startsWith(naming.prefix)) continue;
    const name = naming.keyMap(k.slice(naming.prefix.length));
    if (name) out.set(name, source.info(k).shape);
  }
  return out;
}

/** Reads config.json (either flavour) if given, else infers the config from shapes. */
export function detectDitConfig(source: TensorSource, loc: WeightsLocation, version?: WanVersion): WanDitConfig {
  if (loc.configPath) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(loc.configPath, 'utf8'));
    } catch (e) {
      throw new InputError(`${loc.configPath}: not valid JSON (${(e as Error).message})`);
    }
    if (!json || typeof json !== 'object') throw new InputError(`${loc.configPath}: expected a JSON object`);
    return ditConfigFromFile(json as Record<string, unknown>, version);
  }
  return ditConfigFromShapes(officialShapes(source, ditNaming(source)), { version });
}

export interface LoadedDit {
  readonly config: WanDitConfig;
  readonly weights: Map<string, HostTensor>;
}

export async function loadDit(
  loc: WeightsLocation,
  opts: { version?: WanVersion; signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
): Promise<LoadedDit> {
  const source = await openCheckpoint(loc.path);
  try {
    const config = detectDitConfig(source, loc, opts.version);
    const naming = ditNaming(source);
    const declared = new Map([...WanDiT.declaredParams(config)].map(([k, shape]) => [k, { shape }]));
    const weights = await bindParameters(declared, source, {
      prefix: naming.prefix,
      keyMap: naming.keyMap,
      signal: opts.signal,
      onProgress: opts.onProgress ? (d, t) => opts.onProgress?.(d, t) : undefined,
    });
    return { config, weights };
  } finally {
    await source.close();
  }
}
