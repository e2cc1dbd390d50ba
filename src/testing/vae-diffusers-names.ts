// Official Wan VAE parameter names → diffusers `AutoencoderKLWan` names: the
// reverse of the keymaps' diffusers → official VAE maps, needed to write
// diffusers-layout folders. Every name produced is checked against the
// forward map, so the two can never drift apart silently.
import { InputError } from '../engine/errors.js';
import { vae21DiffusersToOfficial, vae22DiffusersToOfficial } from '../models/wan/keymaps/index.js';
import type { VaeVersion } from '../models/wan/vae/config.js';

const RESNET_PARTS: ReadonlyArray<readonly [string, string]> = [
  ['residual.0.gamma', 'norm1.gamma'],
  ['residual.2', 'conv1'],
  ['residual.3.gamma', 'norm2.gamma'],
  ['residual.6', 'conv2'],
  ['shortcut', 'conv_shortcut'],
];

/** Inside of a residual block, official → diffusers (`residual.2.weight` → `conv1.weight`). */
function resnetPart(rest: string): string | undefined {
  for (const [o, d] of RESNET_PARTS) {
    if (rest === o || rest.startsWith(`${o}.`)) return d + rest.slice(o.length);
  }
  return undefined;
}

function commonToDiffusers(key: string): string | undefined {
  let m = /^(encoder|decoder)\.conv1\.(.+)$/.exec(key);
  if (m) return `${m[1]}.conv_in.${m[2]}`;
  m = /^conv1\.(.+)$/.exec(key);
  if (m) return `quant_conv.${m[1]}`;
  m = /^conv2\.(.+)$/.exec(key);
  if (m) return `post_quant_conv.${m[1]}`;
  m = /^(encoder|decoder)\.middle\.([02])\.(.+)$/.exec(key);
  if (m) {
    const part = resnetPart(m[3]);
    return part && `${m[1]}.mid_block.resnets.${m[2] === '0' ? 0 : 1}.${part}`;
  }
  m = /^(encoder|decoder)\.middle\.1\.(.+)$/.exec(key);
  if (m) return `${m[1]}.mid_block.attentions.0.${m[2]}`;
  m = /^(encoder|decoder)\.head\.0\.(gamma)$/.exec(key);
  if (m) return `${m[1]}.norm_out.${m[2]}`;
  m = /^(encoder|decoder)\.head\.2\.(.+)$/.exec(key);
  if (m) return `${m[1]}.conv_out.${m[2]}`;
  return undefined;
}

function vae21(key: string): string | undefined {
  let m = /^encoder\.downsamples\.(\d+)\.(.+)$/.exec(key);
  if (m) {
    const rest = /^(resample|time_conv)\./.test(m[2]) ? m[2] : resnetPart(m[2]);
    return rest && `encoder.down_blocks.${m[1]}.${rest}`;
  }
  m = /^decoder\.upsamples\.(\d+)\.(.+)$/.exec(key);
  if (m) {
    // One flat official list; diffusers groups it 4 per stage, the 4th being the upsampler.
    const i = Math.floor(Number(m[1]) / 4);
    const j = Number(m[1]) % 4;
    if (j === 3) return `decoder.up_blocks.${i}.upsamplers.0.${m[2]}`;
    const part = resnetPart(m[2]);
    return part && `decoder.up_blocks.${i}.resnets.${j}.${part}`;
  }
  return undefined;
}

function vae22(key: string, numResBlocks: number): string | undefined {
  const m = /^(encoder\.downsamples|decoder\.upsamples)\.(\d+)\.(?:downsamples|upsamples)\.(\d+)\.(.+)$/.exec(key);
  if (!m) return undefined;
  const enc = m[1] === 'encoder.downsamples';
  const j = Number(m[3]);
  const base = enc ? `encoder.down_blocks.${m[2]}` : `decoder.up_blocks.${m[2]}`;
  // The resampler follows the residual blocks: index num_res_blocks (encoder) or one more (decoder).
  if (j === (enc ? numResBlocks : numResBlocks + 1)) return `${base}.${enc ? 'downsampler' : 'upsampler'}.${m[4]}`;
  const part = resnetPart(m[4]);
  return part && `${base}.resnets.${j}.${part}`;
}

/**
 * Official VAE key (`Wan2.1_VAE.pth` / `Wan2.2_VAE.pth`) → diffusers key. Throws
 * InputError for keys with no diffusers counterpart or whose mapping would not
 * read back through the loader's diffusers → official map.
 */
export function vaeOfficialToDiffusers(key: string, version: VaeVersion, numResBlocks = 2): string {
  const name = commonToDiffusers(key) ?? (version === '2.2' ? vae22(key, numResBlocks) : vae21(key));
  const back =
    name === undefined
      ? undefined
      : version === '2.2'
        ? vae22DiffusersToOfficial(name, numResBlocks)
        : vae21DiffusersToOfficial(name);
  if (name === undefined || back !== key) {
    throw new InputError(
      `VAE ${version} key '${key}' has no diffusers name${name ? ` ('${name}' reads back as '${back}')` : ''}`,
    );
  }
  return name;
}
