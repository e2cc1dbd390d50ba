// Finite-difference checks of composite functions (gradients through their
// primitives), a whole Wan DiT block (float64) and a Wan VAE residual block
// (float32: Conv has no double kernel in ONNX Runtime).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gradCheck } from '../../src/engine/autograd/grad-check.js';
import type { Tensor } from '../../src/engine/graph/tensor.js';
import { HostTensor } from '../../src/engine/host-tensor.js';
import { sdpa } from '../../src/engine/nn/attention.js';
import { Scope } from '../../src/engine/nn/scope.js';
import { geluErf, geluTanh, silu } from '../../src/engine/ops/activation.js';
import { conv } from '../../src/engine/ops/conv.js';
import { add, div, maximum, mul, sqrt } from '../../src/engine/ops/elementwise.js';
import { pad } from '../../src/engine/ops/movement.js';
import { rmsNorm } from '../../src/engine/ops/normalization.js';
import { reduceSum } from '../../src/engine/ops/reduce.js';
import { OrtNodeRuntime } from '../../src/engine/runtime/ort-node.js';
import { wanBlock } from '../../src/models/wan/dit/block.js';
import type { WanDitConfig } from '../../src/models/wan/dit/config.js';
import { applyRope, ropeTables } from '../../src/models/wan/dit/rope.js';
import { type Case, check, project, uniform as u } from './helpers.js';

const rt = new OrtNodeRuntime();

test('composites (float64): geluTanh, rmsNorm, sdpa with mask, RoPE', async () => {
  const cos = ropeTables(6, [1, 2, 2], 4);
  const composites: Case[] = [
    { name: 'geluTanh', inputs: { x: u([2, 5], 1, -3, 3) }, build: (_, x) => geluTanh(x.x) },
    {
      name: 'rmsNorm',
      inputs: { x: u([2, 3, 4], 3), w: u([4], 4) },
      build: (_, x) => rmsNorm(x.x, [-1], 1e-6, x.w),
    },
    {
      name: 'sdpa',
      inputs: { q: u([1, 2, 3, 4], 5), k: u([1, 2, 5, 4], 6), v: u([1, 2, 5, 4], 7) },
      build: (g, x) => {
        const m = new Float32Array(5);
        m[4] = Number.NEGATIVE_INFINITY;
        return sdpa(x.q, x.k, x.v, { mask: g.constant(HostTensor.f32([1, 1, 1, 5], m), 'mask') });
      },
    },
    {
      name: 'RoPE',
      inputs: { x: u([1, 4, 2, 6], 8) },
      build: (g, x) =>
        applyRope(
          x.x,
          g.constant(HostTensor.f32([1, 4, 1, 3], cos.cos), 'cos'),
          g.constant(HostTensor.f32([1, 4, 1, 3], cos.sin), 'sin'),
        ),
    },
  ];
  for (const c of composites) await check(rt, c, 1e-6);
});

// geluErf: Erf has no double kernel; silu: ONNX Runtime fuses x·sigmoid(x) into QuickGelu,
// which has no double kernel either.
test('composites (float32): geluErf, silu', async () => {
  await check(rt, { name: 'geluErf', inputs: { x: u([2, 5], 9, -3, 3) }, build: (_, x) => geluErf(x.x) }, 2e-2, {
    float64: false,
  });
  await check(rt, { name: 'silu', inputs: { x: u([2, 5], 2, -3, 3) }, build: (_, x) => silu(x.x) }, 2e-2, {
    float64: false,
  });
});

const TINY: WanDitConfig = {
  version: '2.1',
  modelType: 't2v',
  patchSize: [1, 2, 2],
  textLen: 3,
  inDim: 4,
  dim: 12,
  ffnDim: 16,
  freqDim: 8,
  textDim: 8,
  outDim: 4,
  numHeads: 2,
  numLayers: 1,
  qkNorm: true,
  crossAttnNorm: true,
  eps: 1e-6,
};

/** Block parameters scaled like trained weights (norm gains near 1). */
function blockParams(c: WanDitConfig, seed: number): Record<string, HostTensor> {
  const out: Record<string, HostTensor> = {};
  const d = c.dim;
  const lin = (name: string, o: number, i: number): void => {
    out[`${name}.weight`] = u([o, i], seed++, -1 / Math.sqrt(i), 1 / Math.sqrt(i));
    out[`${name}.bias`] = u([o], seed++, -0.1, 0.1);
  };
  out.modulation = u([1, 6, d], seed++, -0.3, 0.3);
  for (const a of ['self_attn', 'cross_attn']) {
    for (const p of ['q', 'k', 'v', 'o']) lin(`${a}.${p}`, d, d);
    out[`${a}.norm_q.weight`] = u([d], seed++, 0.8, 1.2);
    out[`${a}.norm_k.weight`] = u([d], seed++, 0.8, 1.2);
  }
  out['norm3.weight'] = u([d], seed++, 0.8, 1.2);
  out['norm3.bias'] = u([d], seed++, -0.1, 0.1);
  lin('ffn.0', c.ffnDim, d);
  lin('ffn.2', d, c.ffnDim);
  return out;
}

function ditBlockCase(c: WanDitConfig, perToken: boolean): Case {
  const B = 2;
  const L = 4;
  const S = 3;
  const hd = c.dim / c.numHeads;
  const tabs = [ropeTables(hd, [1, 2, 2], L), ropeTables(hd, [1, 1, 3], L)];
  const cos = new Float32Array(B * L * (hd / 2));
  const sin = new Float32Array(B * L * (hd / 2));
  tabs.forEach((t, i) => {
    cos.set(t.cos, i * L * (hd / 2));
    sin.set(t.sin, i * L * (hd / 2));
  });
  const mask = new Float32Array(B * L);
  mask[B * L - 1] = Number.NEGATIVE_INFINITY; // sample 1 has 3 real tokens
  const params = blockParams(c, 100);
  return {
    name: `wanBlock ${c.version}${perToken ? ' per-token' : ''}`,
    inputs: {
      x: u([B, L, c.dim], 1),
      e0: u([B, perToken ? L : 1, 6, c.dim], 2, -0.5, 0.5),
      context: u([B, S, c.dim], 3),
      ...Object.fromEntries(Object.entries(params).map(([k, v]) => [`blocks.0.${k}`, v])),
    },
    build: (g, x) => {
      // the checked block declares its own params: re-declare the inputs' names as params
      const rope = {
        cos: g.constant(HostTensor.f32([B, L, 1, hd / 2], cos), 'rope_cos'),
        sin: g.constant(HostTensor.f32([B, L, 1, hd / 2], sin), 'rope_sin'),
      };
      const m = g.constant(HostTensor.f32([B, 1, 1, L], mask), 'key_mask');
      // The primitive emission: the one autograd differentiates (the fused kernels are inference-only).
      return wanBlock(new Scope(g).at('blocks').at(0), x.x, x.e0, x.context, c, {
        fused: false,
        int8: false,
        ...rope,
        mask: m,
      });
    },
  };
}

/**
 * The helper declares every feed as a graph input; a block declares its weights as
 * params. This adapter declares x/e0/context as inputs and lets the block declare
 * its params, then checks them all.
 */
async function checkBlock(c: Case, tol: number, float64: boolean): Promise<void> {
  const res = await gradCheck(
    rt,
    {
      build: (g) => {
        const x: Record<string, Tensor> = {};
        for (const k of ['x', 'e0', 'context']) x[k] = g.input(k, 'float32', c.inputs[k].shape);
        const y = c.build(g, x);
        return { loss: project(y), wrt: [...Object.values(x), ...g.params.map((p) => g.param(p.name, p.shape))] };
      },
      feeds: c.inputs,
    },
    { float64, maxCoords: 6, directions: 1, eps: float64 ? 1e-6 : 3e-3 },
  );
  assert.ok(res.length > 10, 'checks the block parameters');
  for (const r of res) {
    if (process.env.WANJS_GRADCHECK_VERBOSE) {
      console.log(
        `${c.name} ${r.name}: coord ${r.coordError.toExponential(2)} dir ${r.directionError.toExponential(2)}`,
      );
    }
    assert.ok(r.scale > 0, `${c.name}: zero gradient for ${r.name}`);
    assert.ok(
      r.coordError < tol && r.directionError < tol,
      `${c.name} d/d${r.name}: coordinate error ${r.coordError.toExponential(2)}, direction ${r.directionError.toExponential(2)}`,
    );
  }
}

test('whole Wan DiT block, Wan2.1 (one timestep per sample, padded keys), float64', async () => {
  await checkBlock(ditBlockCase(TINY, false), 1e-6, true);
});

test('whole Wan DiT block, Wan2.2 (per-token modulation), float64', async () => {
  await checkBlock(ditBlockCase({ ...TINY, version: '2.2' }, true), 1e-6, true);
});

/** Wan VAE RMS_norm over channels: x / max(‖x‖₂, 1e-12) · √C · γ. */
function vaeRms(x: Tensor, gamma: Tensor): Tensor {
  const c = x.shape[1];
  const norm = sqrt(reduceSum(mul(x, x), [1], true));
  return mul(mul(div(x, maximum(norm, 1e-12)), Math.sqrt(c)), gamma);
}

/** CausalConv3d 3×3×3: the time axis is padded 2 frames in front only, then an unpadded Conv. */
function causalConv(x: Tensor, w: Tensor, b: Tensor): Tensor {
  const xp = pad(x, [
    [0, 0],
    [0, 0],
    [2, 0],
    [1, 1],
    [1, 1],
  ]);
  return conv(xp, w, b);
}

test('Wan VAE residual block (RMS norm, SiLU, causal 3×3×3 convs, 1×1×1 shortcut), float32', async () => {
  const cin = 3;
  const cout = 4;
  const c: Case = {
    name: 'VAE ResidualBlock',
    inputs: {
      x: u([1, cin, 3, 4, 4], 1),
      g0: u([cin, 1, 1, 1], 2, 0.8, 1.2),
      w2: u([cout, cin, 3, 3, 3], 3, -0.2, 0.2),
      b2: u([cout], 4, -0.1, 0.1),
      g3: u([cout, 1, 1, 1], 5, 0.8, 1.2),
      w6: u([cout, cout, 3, 3, 3], 6, -0.2, 0.2),
      b6: u([cout], 7, -0.1, 0.1),
      ws: u([cout, cin, 1, 1, 1], 8, -0.5, 0.5),
      bs: u([cout], 9, -0.1, 0.1),
    },
    build: (_, p) => {
      let h = causalConv(silu(vaeRms(p.x, p.g0)), p.w2, p.b2);
      h = causalConv(silu(vaeRms(h, p.g3)), p.w6, p.b6);
      return add(h, conv(p.x, p.ws, p.bs));
    },
  };
  await check(rt, c, 2e-2, { float64: false, maxCoords: 10, directions: 2 });
});
