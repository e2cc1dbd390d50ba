// 3-D rotary position embedding tables (rope_params / rope_apply of wan/modules/model.py).
// Angles are computed in float64 as upstream; the rotation runs in float32 in the graph.
import type { Tensor } from '../../../engine/graph/tensor.js';
import { add, mul, sub } from '../../../engine/ops/elementwise.js';
import { concat, reshape, slice } from '../../../engine/ops/movement.js';

/** Complex-pair counts per axis (t, h, w) for head dim `d`: c − 2⌊c/3⌋, ⌊c/3⌋, ⌊c/3⌋ with c = d/2. */
export function ropeSplit(d: number): [number, number, number] {
  const c = d / 2;
  const third = Math.floor(c / 3);
  return [c - 2 * third, third, third];
}

/** Inverse frequencies of one axis whose rotary width is 2·pairs: 10000^(−2j / (2·pairs)). */
function invFreqs(pairs: number): Float64Array {
  const dim = 2 * pairs;
  return Float64Array.from({ length: pairs }, (_, j) => 1 / 10000 ** ((2 * j) / dim));
}

/**
 * cos/sin tables [seqLen, d/2] for one sample with token grid (f, h, w); rows past
 * f·h·w (padding) are the identity rotation, as upstream leaves padding untouched.
 */
export function ropeTables(
  d: number,
  grid: readonly [number, number, number],
  seqLen: number,
): { cos: Float32Array; sin: Float32Array } {
  const [ct, ch, cw] = ropeSplit(d);
  const c = d / 2;
  const [it, ih, iw] = [invFreqs(ct), invFreqs(ch), invFreqs(cw)];
  const [f, h, w] = grid;
  const cos = new Float32Array(seqLen * c).fill(1);
  const sin = new Float32Array(seqLen * c);
  for (let fi = 0; fi < f; fi++) {
    for (let hi = 0; hi < h; hi++) {
      for (let wi = 0; wi < w; wi++) {
        const row = ((fi * h + hi) * w + wi) * c;
        for (let j = 0; j < c; j++) {
          const a = j < ct ? fi * it[j] : j < ct + ch ? hi * ih[j - ct] : wi * iw[j - ct - ch];
          cos[row + j] = Math.cos(a);
          sin[row + j] = Math.sin(a);
        }
      }
    }
  }
  return { cos, sin };
}

/**
 * Rotates adjacent element pairs of x [B, L, N, D] by the angles whose cos/sin are
 * [B, L, 1, D/2]: out[2j] = x[2j]cos − x[2j+1]sin, out[2j+1] = x[2j]sin + x[2j+1]cos.
 */
export function applyRope(x: Tensor, cos: Tensor, sin: Tensor): Tensor {
  const [b, l, n, d] = x.shape;
  const pairs = reshape(x, [b, l, n, d / 2, 2]);
  const x0 = reshape(slice(pairs, 4, 0, 1), [b, l, n, d / 2]);
  const x1 = reshape(slice(pairs, 4, 1, 2), [b, l, n, d / 2]);
  const o0 = sub(mul(x0, cos), mul(x1, sin));
  const o1 = add(mul(x0, sin), mul(x1, cos));
  return reshape(concat([reshape(o0, [b, l, n, d / 2, 1]), reshape(o1, [b, l, n, d / 2, 1])], 4), [b, l, n, d]);
}
