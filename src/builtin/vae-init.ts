// Initial weights of the built-in VAE: every temporal kernel starts "inflated" —
// only its newest tap is non-zero — and the resamplers' time convolutions start
// as identities, so the untrained video VAE is a per-frame image VAE (latent
// frame k holds frame 4k, decoded four times). Image training then teaches
// the spatial code cheaply, and clip training only has to add the motion.
import type { HostTensor } from '../engine/host-tensor.js';
import { type InitRule, initParams } from './init.js';

/** Initial VAE parameters from `seed` (see the file comment). */
export function initVaeParams(declared: ReadonlyMap<string, readonly number[]>, seed: number): Map<string, HostTensor> {
  return initParams(declared, seed, (name, shape): InitRule | undefined => {
    if (shape.length !== 5 || shape[2] !== 3)
      return name.includes('time_conv') && name.endsWith('.bias') ? { kind: 'const', value: 0 } : undefined;
    const [out, inC, kt, kh, kw] = shape;
    const tapSize = kh * kw;
    if (name.includes('time_conv')) {
      // identity on the newest tap; an upsampling conv (2C outputs) duplicates the frame
      return {
        kind: 'custom',
        fill: (d) => {
          for (let o = 0; o < out; o++) d[((o * inC + (o % inC)) * kt + kt - 1) * tapSize] = 1;
        },
      };
    }
    const bound = 1 / Math.sqrt(inC * tapSize);
    return {
      kind: 'custom',
      fill: (d, rng) => {
        for (let o = 0; o < out; o++) {
          for (let i = 0; i < inC; i++) {
            const base = ((o * inC + i) * kt + kt - 1) * tapSize;
            for (let k = 0; k < tapSize; k++) d[base + k] = (2 * rng.uniform() - 1) * bound;
          }
        }
      },
    };
  });
}
