// Wan VAE parameter names: diffusers `AutoencoderKLWan` → official `WanVAE_`.
// The 2.1 decoder is one flat official list (resnets and resamplers
// interleaved, 4 per stage); 2.2 nests them per stage. The resampler index
// inside a 2.2 stage is the number of residual blocks (2 in every Wan VAE;
// the decoder has one more).
const RESNET_PARTS: ReadonlyArray<readonly [string, string]> = [
  ['norm1.gamma', 'residual.0.gamma'],
  ['conv1', 'residual.2'],
  ['norm2.gamma', 'residual.3.gamma'],
  ['conv2', 'residual.6'],
  ['conv_shortcut', 'shortcut'],
];

/** Renames the inside of a residual block (`conv1.weight` → `residual.2.weight`). */
function resnetPart(rest: string): string | undefined {
  for (const [d, o] of RESNET_PARTS) {
    if (rest === d || rest.startsWith(`${d}.`)) return o + rest.slice(d.length);
  }
  return undefined;
}

/** Keys shared by both VAE versions: stems, middle, heads, quant convs. */
function commonToOfficial(key: string): string | undefined {
  let m = /^(encoder|decoder)\.conv_in\.(.+)$/.exec(key);
  if (m) return `${m[1]}.conv1.${m[2]}`;
  m = /^quant_conv\.(.+)$/.exec(key);
  if (m) return `conv1.${m[1]}`;
  m = /^post_quant_conv\.(.+)$/.exec(key);
  if (m) return `conv2.${m[1]}`;
  m = /^(encoder|decoder)\.mid_block\.resnets\.([01])\.(.+)$/.exec(key);
  if (m) {
    const part = resnetPart(m[3]);
    return part && `${m[1]}.middle.${m[2] === '0' ? 0 : 2}.${part}`;
  }
  m = /^(encoder|decoder)\.mid_block\.attentions\.0\.(.+)$/.exec(key);
  if (m) return `${m[1]}.middle.1.${m[2]}`;
  m = /^(encoder|decoder)\.norm_out\.(gamma)$/.exec(key);
  if (m) return `${m[1]}.head.0.${m[2]}`;
  m = /^(encoder|decoder)\.conv_out\.(.+)$/.exec(key);
  if (m) return `${m[1]}.head.2.${m[2]}`;
  return undefined;
}

/** Diffusers Wan 2.1 VAE key → official `Wan2.1_VAE.pth` key; undefined if it has no counterpart. */
export function vae21DiffusersToOfficial(key: string): string | undefined {
  const common = commonToOfficial(key);
  if (common) return common;
  let m = /^encoder\.down_blocks\.(\d+)\.(.+)$/.exec(key);
  if (m) {
    // Flat list in both layouts; resamplers keep `resample.1.*` / `time_conv.*`.
    const rest = /^(resample|time_conv)\./.test(m[2]) ? m[2] : resnetPart(m[2]);
    return rest && `encoder.downsamples.${m[1]}.${rest}`;
  }
  m = /^decoder\.up_blocks\.(\d+)\.resnets\.(\d+)\.(.+)$/.exec(key);
  if (m) {
    const part = resnetPart(m[3]);
    return part && `decoder.upsamples.${Number(m[1]) * 4 + Number(m[2])}.${part}`;
  }
  m = /^decoder\.up_blocks\.(\d+)\.upsamplers\.0\.(.+)$/.exec(key);
  if (m) return `decoder.upsamples.${Number(m[1]) * 4 + 3}.${m[2]}`;
  return undefined;
}

/** Diffusers Wan 2.2 VAE key → official `Wan2.2_VAE.pth` key; undefined if it has no counterpart. */
export function vae22DiffusersToOfficial(key: string, numResBlocks = 2): string | undefined {
  const common = commonToOfficial(key);
  if (common) return common;
  let m = /^(encoder\.down|decoder\.up)_blocks\.(\d+)\.resnets\.(\d+)\.(.+)$/.exec(key);
  if (m) {
    const part = resnetPart(m[4]);
    const list = m[1] === 'encoder.down' ? 'encoder.downsamples' : 'decoder.upsamples';
    const inner = m[1] === 'encoder.down' ? 'downsamples' : 'upsamples';
    return part && `${list}.${m[2]}.${inner}.${m[3]}.${part}`;
  }
  m = /^encoder\.down_blocks\.(\d+)\.downsampler\.(.+)$/.exec(key);
  if (m) return `encoder.downsamples.${m[1]}.downsamples.${numResBlocks}.${m[2]}`;
  m = /^decoder\.up_blocks\.(\d+)\.upsampler\.(.+)$/.exec(key);
  if (m) return `decoder.upsamples.${m[1]}.upsamples.${numResBlocks + 1}.${m[2]}`;
  return undefined;
}
