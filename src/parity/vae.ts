// Parity runner for the Wan VAE cases (`vae21*`, `vae22*`): any config the oracle
// writes (dim, z_dim, dim_mult, num_res_blocks, temperal_downsample, dec_dim,
// frame count, size), official key names, optionally under a `vae.` prefix.
import { WanError } from '../engine/errors.js';
import { type HostTensor, shapeText, toFloat32, toFloat64Array } from '../engine/host-tensor.js';
import { type VaeVersion, vaeConfigFromJson } from '../models/wan/vae/config.js';
import { WanVae } from '../models/wan/vae/model.js';
import { caseWeights, need } from './case-file.js';
import type { ParityCase, ParityContext, ParityOutput, ParityRunner } from './types.js';

function detectVersion(c: ParityCase): VaeVersion | undefined {
  const v = c.config.version ?? c.config.wan;
  if (v === '2.1' || v === '2.2') return v;
  if (c.config.patch_size === 2) return '2.2';
  const comp = c.config.compression;
  if (Array.isArray(comp) && comp[1] === 16) return '2.2';
  if (Array.isArray(comp) && comp[1] === 8) return '2.1';
  if (/^vae_?22|wan2\.?2_?vae/i.test(c.name)) return '2.2';
  if (/^vae_?21|wan2\.?1_?vae/i.test(c.name)) return '2.1';
  return undefined;
}

/** The actual tensor, viewed with the golden tensor's shape when only a leading batch of 1 differs. */
function asShape(actual: HostTensor, expected: HostTensor, name: string): HostTensor {
  if (actual.size !== expected.size)
    throw new WanError(
      'E_PARITY',
      `${name}: produced ${shapeText(actual.shape)}, golden is ${shapeText(expected.shape)} (different sizes)`,
    );
  return actual.reshape(expected.shape);
}

export const runVaeCase: ParityRunner = async (c: ParityCase, ctx: ParityContext): Promise<ParityOutput[]> => {
  let weights = caseWeights(c);
  if (!weights.has('conv1.weight') && [...weights.keys()].some((k) => k.startsWith('vae.')))
    weights = caseWeights(c, 'vae.');
  const json: Record<string, unknown> = { ...c.config };
  for (const k of ['latents_mean', 'latents_std']) {
    const t = c.tensors.get(`input.${k}`);
    if (t) json[k] = Array.from(toFloat64Array(t));
  }
  const config = vaeConfigFromJson(json, detectVersion(c));
  // The layout users get on this device (NCHWc blocks on x86 CPUs); tests also check the plain one.
  const vae = await WanVae.create(ctx.runtime, config, weights, { device: ctx.device, threads: ctx.threads });
  try {
    const outs: ParityOutput[] = [];
    const push = (name: string, actual: HostTensor): void => {
      const expected = c.tensors.get(name);
      if (expected) outs.push({ name, actual: asShape(actual, expected, name), expected });
    };
    const signal = ctx.signal;
    const enc = await vae.encodeDetailed(need(c, 'input.video'), { signal });
    push('output.latent', enc.latent);
    if (ctx.inter) {
      enc.encoderChunks.forEach((t, i) => {
        push(`inter.encoder_chunk${i}`, t);
      });
      if (enc.moments) push('inter.conv1_out', enc.moments);
    }
    // The decoder is checked on the golden latent, so an encoder error cannot hide in it.
    if (c.tensors.has('output.decoded'))
      push('output.decoded', await vae.decode(toFloat32(need(c, 'output.latent')), { raw: true, signal }));
    if (c.tensors.has('input.image')) push('output.latent_image', await vae.encode(need(c, 'input.image'), { signal }));
    if (c.tensors.has('input.i2v_cond_video'))
      push('output.latent_i2v_cond', await vae.encode(need(c, 'input.i2v_cond_video'), { signal }));
    if (c.tensors.has('input.z_rand'))
      push('output.decoded_z_rand', await vae.decode(need(c, 'input.z_rand'), { raw: true, signal }));
    return outs;
  } finally {
    await vae.dispose();
  }
};
