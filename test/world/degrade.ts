// Test helpers: mild corruptions of clips, to check the checker does not depend on pixel-exact input.
import type { Clip } from '../../src/world/index.js';
import { createRng } from '../../src/world/index.js';

/** 3×3 binomial blur of every frame, edges renormalized. */
export function blur3(clip: Clip): Clip {
  const [, F, H, W] = clip.shape;
  const k = [1, 2, 1];
  const src = clip.data;
  const out = new Float32Array(src.length);
  for (let p = 0; p < 3 * F; p++) {
    const base = p * H * W;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        let s = 0;
        let w = 0;
        for (let j = -1; j <= 1; j++) {
          for (let i = -1; i <= 1; i++) {
            const yy = y + j;
            const xx = x + i;
            if (yy < 0 || yy >= H || xx < 0 || xx >= W) continue;
            const ww = k[i + 1] * k[j + 1];
            s += ww * src[base + yy * W + xx];
            w += ww;
          }
        }
        out[base + y * W + x] = s / w;
      }
    }
  }
  return { shape: clip.shape, data: out };
}

/** Adds Gaussian noise of standard deviation `sigma` ([-1, 1] units), clamped to [-1, 1]. */
export function addNoise(clip: Clip, sigma: number, seed: number | string): Clip {
  const rng = createRng(seed);
  const data = clip.data.map((v) => Math.max(-1, Math.min(1, v + sigma * rng.normal())));
  return { shape: clip.shape, data };
}
