// Finding the components of a model folder as users download it: the official
// Wan-AI layouts (Wan2.1-T2V-1.3B, -I2V-14B-480P/720P, Wan2.2-TI2V-5B,
// Wan2.2-T2V/I2V-A14B with high_noise_model/ and low_noise_model/) and the
// diffusers layouts (model_index.json with transformer/, transformer_2/, vae/, …).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../engine/errors.js';

export type Layout = 'official' | 'diffusers';

export interface WeightsLocation {
  /** A checkpoint file: .safetensors, .safetensors.index.json or .pth. */
  readonly path: string;
  /** config.json next to it, when present. */
  readonly configPath?: string;
}

export interface ModelFolder {
  readonly root: string;
  readonly layout: Layout;
  /** One DiT, or two experts (A14B). */
  readonly dit: WeightsLocation | { readonly high: WeightsLocation; readonly low: WeightsLocation };
  readonly vae: WeightsLocation & { readonly version: '2.1' | '2.2' };
  readonly textEncoder: WeightsLocation;
  /** Folder (or file) holding spiece.model / tokenizer.json. */
  readonly tokenizer: string;
  /** Wan2.1 I2V image encoder. */
  readonly clip?: WeightsLocation;
  /** diffusers model_index.json `boundary_ratio`, when given. */
  readonly boundaryRatio?: number;
}

export function isExperts(
  d: ModelFolder['dit'],
): d is { readonly high: WeightsLocation; readonly low: WeightsLocation } {
  return 'high' in d;
}

const OFFICIAL_T5 = 'models_t5_umt5-xxl-enc-bf16.pth';
const OFFICIAL_CLIP = 'models_clip_open-clip-xlm-roberta-large-vit-huge-14.pth';

/** Detects the layout of `root` and locates every component; errors name what is missing. */
export function findModelFolder(root: string): ModelFolder {
  if (!existsSync(root) || !statSync(root).isDirectory())
    throw new InputError(`model folder '${root}' does not exist or is not a directory`);
  return existsSync(join(root, 'model_index.json')) ? diffusersFolder(root) : officialFolder(root);
}

function officialFolder(root: string): ModelFolder {
  const high = join(root, 'high_noise_model');
  const low = join(root, 'low_noise_model');
  const dit =
    existsSync(high) || existsSync(low)
      ? { high: weightsIn(high, 'the high-noise expert'), low: weightsIn(low, 'the low-noise expert') }
      : weightsIn(root, 'the DiT', ['diffusion_pytorch_model']);
  const vae21 = join(root, 'Wan2.1_VAE.pth');
  const vae22 = join(root, 'Wan2.2_VAE.pth');
  const vae = existsSync(vae22)
    ? { path: vae22, version: '2.2' as const }
    : existsSync(vae21)
      ? { path: vae21, version: '2.1' as const }
      : undefined;
  if (!vae) throw missing(root, 'the VAE', ['Wan2.1_VAE.pth', 'Wan2.2_VAE.pth']);
  const t5 = join(root, OFFICIAL_T5);
  if (!existsSync(t5)) throw missing(root, 'the text encoder', [OFFICIAL_T5]);
  const tok = join(root, 'google', 'umt5-xxl');
  if (!existsSync(tok)) throw missing(root, 'the tokenizer', ['google/umt5-xxl/']);
  const clip = join(root, OFFICIAL_CLIP);
  return {
    root,
    layout: 'official',
    dit,
    vae,
    textEncoder: { path: t5 },
    tokenizer: tok,
    // clip_config.json is a wanjs extension for non-default (e.g. tiny) image encoders.
    clip: existsSync(clip)
      ? {
          path: clip,
          configPath: existsSync(join(root, 'clip_config.json')) ? join(root, 'clip_config.json') : undefined,
        }
      : undefined,
  };
}

function diffusersFolder(root: string): ModelFolder {
  let index: Record<string, unknown>;
  try {
    index = JSON.parse(readFileSync(join(root, 'model_index.json'), 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new InputError(`${join(root, 'model_index.json')}: not valid JSON (${(e as Error).message})`);
  }
  const t2 = join(root, 'transformer_2');
  const hasT2 = existsSync(t2) && Array.isArray(index.transformer_2) && index.transformer_2[0] !== null;
  const dit = hasT2
    ? {
        high: weightsIn(join(root, 'transformer'), 'the high-noise transformer'),
        low: weightsIn(t2, 'the low-noise transformer'),
      }
    : weightsIn(join(root, 'transformer'), 'the transformer');
  const vaeLoc = weightsIn(join(root, 'vae'), 'the VAE');
  const vaeCfg = vaeLoc.configPath
    ? (JSON.parse(readFileSync(vaeLoc.configPath, 'utf8')) as Record<string, unknown>)
    : {};
  const version = vaeCfg.z_dim === 48 || vaeCfg.patch_size === 2 ? '2.2' : '2.1';
  const imageEncoder = join(root, 'image_encoder');
  const boundary = typeof index.boundary_ratio === 'number' ? index.boundary_ratio : undefined;
  return {
    root,
    layout: 'diffusers',
    dit,
    vae: { ...vaeLoc, version },
    textEncoder: weightsIn(join(root, 'text_encoder'), 'the text encoder'),
    tokenizer: join(root, 'tokenizer'),
    clip: existsSync(imageEncoder) ? weightsIn(imageEncoder, 'the image encoder') : undefined,
    boundaryRatio: boundary,
  };
}

/** The checkpoint inside `dir`: an index.json (sharded), else a single .safetensors / .pth. */
function weightsIn(dir: string, what: string, prefer: readonly string[] = []): WeightsLocation {
  if (!existsSync(dir)) throw new InputError(`${what}: folder '${dir}' is missing`);
  const files = readdirSync(dir).sort();
  const configPath = files.includes('config.json') ? join(dir, 'config.json') : undefined;
  const pick = (pred: (f: string) => boolean): string | undefined => {
    const hits = files.filter(pred);
    const preferred = hits.find((f) => prefer.some((p) => f.startsWith(p)));
    return preferred ?? hits[0];
  };
  const index = pick((f) => f.endsWith('.safetensors.index.json'));
  if (index) return { path: join(dir, index), configPath };
  const st = files.filter((f) => f.endsWith('.safetensors'));
  if (st.length > 1)
    throw new InputError(`${what}: '${dir}' has ${st.length} .safetensors files but no *.safetensors.index.json`);
  const single = st[0] ?? pick((f) => f.endsWith('.pth') || f.endsWith('.pt') || f.endsWith('.bin'));
  if (!single) throw missing(dir, what, ['*.safetensors', '*.safetensors.index.json', '*.pth']);
  return { path: join(dir, single), configPath };
}

function missing(dir: string, what: string, names: readonly string[]): InputError {
  return new InputError(`model folder '${dir}' has no ${what} (looked for ${names.join(', ')})`);
}
