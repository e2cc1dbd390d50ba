// A direct float64 transcription of T5Encoder.forward (wan/modules/t5.py) for
// tests: per-element loops, no graph, masked_fill with float32 min as upstream.
import type { HostTensor } from '../../src/engine/host-tensor.js';
import type { Umt5Config } from '../../src/models/wan/umt5/config.js';
import { relativePositionBucket } from '../../src/models/wan/umt5/relative-position.js';

const F32_MIN = -3.4028234663852886e38;

type W = (name: string) => Float32Array;

function rms(x: Float64Array, w: Float32Array, dim: number, eps: number): Float64Array {
  const out = new Float64Array(x.length);
  for (let r = 0; r < x.length / dim; r++) {
    let ms = 0;
    for (let k = 0; k < dim; k++) ms += x[r * dim + k] ** 2;
    const s = 1 / Math.sqrt(ms / dim + eps);
    for (let k = 0; k < dim; k++) out[r * dim + k] = x[r * dim + k] * s * w[k];
  }
  return out;
}

/** y = x · Wᵀ for W [out, in]. */
function lin(x: Float64Array, w: Float32Array, inF: number, outF: number): Float64Array {
  const rows = x.length / inF;
  const y = new Float64Array(rows * outF);
  for (let r = 0; r < rows; r++)
    for (let o = 0; o < outF; o++) {
      let s = 0;
      for (let k = 0; k < inF; k++) s += x[r * inF + k] * w[o * inF + k];
      y[r * outF + o] = s;
    }
  return y;
}

const gelu = (v: number) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)));

/** hidden [B, L, dim] for ids/mask given as plain arrays (row-major [B, L]). */
export function referenceUmt5(
  c: Umt5Config,
  weights: ReadonlyMap<string, HostTensor>,
  ids: readonly number[],
  mask: readonly number[],
  b: number,
): Float64Array {
  const w: W = (n) => weights.get(n)?.data as Float32Array;
  const l = ids.length / b;
  const { dim, dimAttn: da, numHeads: nh } = c;
  const d = da / nh;
  let x = new Float64Array(b * l * dim);
  ids.forEach((id, i) => {
    for (let k = 0; k < dim; k++) x[i * dim + k] = w('token_embedding.weight')[id * dim + k];
  });
  const spec = { numBuckets: c.numBuckets, bidirectional: true, maxDistance: c.maxDistance };
  for (let layer = 0; layer < c.numLayers; layer++) {
    const p = `blocks.${layer}.`;
    const table = w(c.sharedPos ? 'pos_embedding.embedding.weight' : `${p}pos_embedding.embedding.weight`);
    const h = rms(x, w(`${p}norm1.weight`), dim, c.eps);
    const q = lin(h, w(`${p}attn.q.weight`), dim, da);
    const k = lin(h, w(`${p}attn.k.weight`), dim, da);
    const v = lin(h, w(`${p}attn.v.weight`), dim, da);
    const att = new Float64Array(b * l * da);
    for (let bi = 0; bi < b; bi++)
      for (let hh = 0; hh < nh; hh++)
        for (let i = 0; i < l; i++) {
          const logits = new Float64Array(l);
          for (let j = 0; j < l; j++) {
            let s = 0;
            for (let e = 0; e < d; e++) s += q[(bi * l + i) * da + hh * d + e] * k[(bi * l + j) * da + hh * d + e];
            const bias = mask[bi * l + j] === 0 ? F32_MIN : table[relativePositionBucket(j - i, spec) * nh + hh];
            logits[j] = s + bias;
          }
          const mx = Math.max(...logits);
          const ex = logits.map((z) => Math.exp(z - mx));
          const sum = ex.reduce((a2, z) => a2 + z, 0);
          for (let e = 0; e < d; e++) {
            let s = 0;
            for (let j = 0; j < l; j++) s += (ex[j] / sum) * v[(bi * l + j) * da + hh * d + e];
            att[(bi * l + i) * da + hh * d + e] = s;
          }
        }
    const o = lin(att, w(`${p}attn.o.weight`), da, dim);
    x = x.map((z, i) => z + o[i]);
    const h2 = rms(x, w(`${p}norm2.weight`), dim, c.eps);
    const gate = lin(h2, w(`${p}ffn.gate.0.weight`), dim, c.dimFfn).map(gelu);
    const f1 = lin(h2, w(`${p}ffn.fc1.weight`), dim, c.dimFfn).map((z, i) => z * gate[i]);
    const f2 = lin(f1, w(`${p}ffn.fc2.weight`), c.dimFfn, dim);
    x = x.map((z, i) => z + f2[i]);
  }
  return rms(x, w('norm.weight'), dim, c.eps);
}
