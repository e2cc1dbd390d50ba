// `wanjs inspect`: what a checkpoint file or model folder contains, whether it
// matches what wanjs expects, and with which configuration.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { openCheckpoint, type SourceSummary, summarizeSource, type TensorSource } from '../engine/weights/index.js';
import type { WanDitConfig } from '../models/wan/dit/config.js';
import { detectDitConfig, ditNaming, officialShapes } from '../models/wan/dit/load.js';
import { WanDiT } from '../models/wan/dit/model.js';
import { findModelFolder, isExperts, type WeightsLocation } from '../models/wan/folder.js';
import { umt5HfToOfficial, vae21DiffusersToOfficial, vae22DiffusersToOfficial } from '../models/wan/keymaps/index.js';
import { umt5ConfigFromShapes } from '../models/wan/umt5/config.js';
import { detectUmt5Layout } from '../models/wan/umt5/load.js';
import { Umt5Encoder } from '../models/wan/umt5/model.js';
import { WanVae } from '../models/wan/vae/model.js';
import { vaeConfigFor } from '../pipelines/components.js';
import { type ComponentKind, identifyComponent } from './identify.js';

export interface KeyReport {
  readonly expected: number;
  readonly missing: readonly string[];
  readonly unexpected: readonly string[];
  readonly wrongShape: readonly string[];
}

export interface ComponentReport {
  readonly role: string;
  readonly path: string;
  readonly kind: ComponentKind;
  readonly format: string;
  readonly naming?: string;
  readonly summary: SourceSummary;
  readonly config?: WanDitConfig | Record<string, unknown>;
  readonly keys?: KeyReport;
  readonly note?: string;
}

export interface InspectReport {
  readonly path: string;
  readonly layout?: string;
  readonly components: readonly ComponentReport[];
}

function compareKeys(
  declared: ReadonlyMap<string, readonly number[]>,
  found: ReadonlyMap<string, readonly number[]>,
): KeyReport {
  const missing: string[] = [];
  const wrongShape: string[] = [];
  for (const [k, s] of declared) {
    const f = found.get(k);
    if (!f) missing.push(k);
    else if (f.join(',') !== s.join(',')) wrongShape.push(`${k}: expected [${s.join(', ')}], found [${f.join(', ')}]`);
  }
  const unexpected = [...found.keys()].filter((k) => !declared.has(k));
  return { expected: declared.size, missing, unexpected, wrongShape };
}

async function inspectComponent(role: string, loc: WeightsLocation): Promise<ComponentReport> {
  const source: TensorSource = await openCheckpoint(loc.path);
  try {
    const kind = identifyComponent(source);
    const base = { role, path: loc.path, kind, format: source.format, summary: summarizeSource(source) };
    if (kind === 'dit') {
      const naming = ditNaming(source);
      const namingText = `${naming.diffusers ? 'diffusers' : 'official'}${naming.prefix ? ` (prefix '${naming.prefix}')` : ''}`;
      let config: WanDitConfig;
      try {
        config = detectDitConfig(source, loc);
      } catch (e) {
        return { ...base, naming: namingText, note: `configuration not determined: ${(e as Error).message}` };
      }
      const keys = compareKeys(WanDiT.declaredParams(config), officialShapes(source, naming));
      return { ...base, naming: namingText, config, keys };
    }
    if (kind === 'vae') return { ...base, ...vaeReport(source, loc) };
    if (kind === 'umt5') return { ...base, ...umt5Report(source) };
    return {
      ...base,
      note: kind === 'unknown' ? 'not recognised as a Wan DiT, VAE, UMT5 or CLIP checkpoint' : undefined,
    };
  } finally {
    await source.close();
  }
}

export async function inspectPath(path: string): Promise<InspectReport> {
  if (existsSync(path) && statSync(path).isDirectory()) {
    const f = findModelFolder(path);
    const parts: [string, WeightsLocation][] = [];
    const d = f.dit;
    if (isExperts(d)) parts.push(['dit (high noise)', d.high], ['dit (low noise)', d.low]);
    else parts.push(['dit', d]);
    parts.push(['vae', f.vae], ['text encoder', f.textEncoder]);
    if (f.clip) parts.push(['image encoder', f.clip]);
    const components: ComponentReport[] = [];
    for (const [role, loc] of parts) components.push(await inspectComponent(role, loc));
    return { path, layout: f.layout, components };
  }
  // A config.json next to a single checkpoint file describes it (as in every official folder).
  const sibling = join(dirname(path), 'config.json');
  return {
    path,
    components: [await inspectComponent('file', { path, configPath: existsSync(sibling) ? sibling : undefined })],
  };
}

function vaeReport(source: TensorSource, loc: WeightsLocation): Pick<ComponentReport, 'naming' | 'config' | 'keys'> {
  const diffusers = source.keys().some((k) => k.startsWith('encoder.conv_in.') || k.startsWith('quant_conv.'));
  const first = ['encoder.conv1.weight', 'encoder.conv_in.weight'].find((k) => source.has(k));
  const version = first && source.info(first).shape[1] === 12 ? '2.2' : '2.1';
  // Only a diffusers VAE config describes a VAE; a sibling config.json may belong to the DiT.
  const own =
    loc.configPath && /AutoencoderKLWan|base_dim/.test(readFileSync(loc.configPath, 'utf8')) ? loc : { path: loc.path };
  const config = vaeConfigFor(source, own, version);
  const map = diffusers
    ? (k: string) =>
        version === '2.2' ? vae22DiffusersToOfficial(k, config.numResBlocks) : vae21DiffusersToOfficial(k)
    : (k: string) => k;
  const found = new Map<string, readonly number[]>();
  for (const k of source.keys()) found.set(map(k) ?? k, source.info(k).shape);
  return {
    naming: diffusers ? 'diffusers' : 'official',
    config: { ...config },
    keys: compareKeys(WanVae.declaredParams(config), found),
  };
}

function umt5Report(source: TensorSource): Pick<ComponentReport, 'naming' | 'config' | 'keys'> {
  const layout = detectUmt5Layout(source.keys(), source.path);
  const found = new Map<string, readonly number[]>();
  for (const k of source.keys()) {
    if (layout === 'transformers' && /^(decoder\.|lm_head\.)/.test(k)) continue;
    const name = (layout === 'transformers' ? umt5HfToOfficial(k) : k) ?? k;
    if (!found.has(name)) found.set(name, source.info(k).shape);
  }
  const config = umt5ConfigFromShapes(found, source.path);
  return { naming: layout, config: { ...config }, keys: compareKeys(Umt5Encoder.declaredParams(config), found) };
}
