// The WanModel forward graph for one batch shape (wan/modules/model.py WanModel.forward).
import type { Graph } from '../../../engine/graph/graph.js';
import type { Tensor } from '../../../engine/graph/tensor.js';
import { HostTensor } from '../../../engine/host-tensor.js';
import { convNd, layerNorm, linear } from '../../../engine/nn/layers.js';
import { Scope } from '../../../engine/nn/scope.js';
import { geluErf, geluTanh, silu } from '../../../engine/ops/activation.js';
import { add } from '../../../engine/ops/elementwise.js';
import {
  concat,
  gather,
  pad,
  reshape,
  slice,
  split,
  squeeze,
  transpose,
  unsqueeze,
} from '../../../engine/ops/movement.js';
import type { AttentionInputs } from './attention.js';
import { modulatedNorm, wanBlock } from './block.js';
import { CLIP_DIM, hasImageBranch, headDim, type WanDitConfig } from './config.js';
import { ropeTables } from './rope.js';

/** Everything that fixes the graph's shapes. */
export interface DitShape {
  /** Latent (pre-patch) grid per sample: [F, H, W]. */
  readonly grids: readonly (readonly [number, number, number])[];
  readonly seqLen: number;
  /** Number of distinct timestep values across the batch. */
  readonly numTimesteps: number;
  /** Per-token modulation ([B, seqLen] index) rather than one timestep per sample. */
  readonly perToken: boolean;
  /** CLIP tokens per sample (Wan2.1 i2v/flf2v only). */
  readonly clipTokens: number;
  /** Emit intermediate activations as extra outputs named like the oracle's `inter.*`. */
  readonly taps: boolean;
  /**
   * Emit fused inference kernels (ONNX Runtime contrib ops: flash attention, RoPE,
   * RMS norm, GELU, modulated LayerNorm) instead of primitives. Same float32
   * arithmetic, about 1.3x faster on the CPU, but not differentiable by the
   * autograd. Default false: primitives only.
   */
  readonly fused?: boolean;
  /**
   * Opt-in, lossy (implies `fused`): every block Linear becomes a dynamically
   * quantized int8 GEMM (uint8 activations per tensor, int8 weights per output
   * channel, fed as derived parameters, see `int8WeightNames`). About 3x faster
   * block GEMMs; error against float32 in docs/performance.md.
   */
  readonly int8?: boolean;
}

export function tokenGrid(c: WanDitConfig, grid: readonly [number, number, number]): [number, number, number] {
  const [pt, ph, pw] = c.patchSize;
  return [Math.floor(grid[0] / pt), Math.floor(grid[1] / ph), Math.floor(grid[2] / pw)];
}

export function shapeKey(c: WanDitConfig, s: DitShape): string {
  // The config is part of the key: DiTs of different sizes may share one Program.
  return JSON.stringify([c, s]);
}

/** Builds the graph. Inputs: x{b}, t_freq, t_index, context, clip_fea; outputs: out{b} (+ taps). */
export function buildDitGraph(g: Graph, c: WanDitConfig, shape: DitShape): void {
  const root = new Scope(g);
  const b = shape.grids.length;
  const L = shape.seqLen;
  const tap = (name: string, t: Tensor): void => {
    if (shape.taps) g.output(name, t);
  };

  // 1. Patch embedding per sample, flattened to tokens and zero-padded to seq_len
  const tokens: Tensor[] = [];
  const tokenGrids = shape.grids.map((gr) => tokenGrid(c, gr));
  shape.grids.forEach((gr, i) => {
    const x = g.input(`x${i}`, 'float32', [1, c.inDim, ...gr]);
    const pe = convNd(root.at('patch_embedding'), x, c.inDim, c.dim, c.patchSize, { strides: c.patchSize });
    if (i === 0) tap('inter.patch_embedding', pe);
    const n = tokenGrids[i][0] * tokenGrids[i][1] * tokenGrids[i][2];
    const flat = transpose(reshape(pe, [1, c.dim, n]), [0, 2, 1]); // [1, n, C]
    tokens.push(
      pad(flat, [
        [0, 0],
        [0, L - n],
        [0, 0],
      ]),
    );
  });
  let x = concat(tokens, 0); // [B, L, C]

  // 2. Time embedding: computed once per distinct timestep, gathered per sample/token
  const tFreq = g.input('t_freq', 'float32', [shape.numTimesteps, c.freqDim]);
  const tIndex = g.input('t_index', 'int64', [b, shape.perToken ? L : 1]);
  const eTab = linear(
    root.at('time_embedding.2'),
    silu(linear(root.at('time_embedding.0'), tFreq, c.freqDim, c.dim)),
    c.dim,
    c.dim,
  );
  const e0Tab = linear(root.at('time_projection.1'), silu(eTab), c.dim, 6 * c.dim);
  const e = gather(eTab, tIndex, 0); // [B, T, C]
  const e0flat = gather(e0Tab, tIndex, 0); // [B, T, 6C]
  tap('inter.time_embedding', shape.perToken ? e : squeeze(e, 1));
  tap('inter.time_projection', shape.perToken ? e0flat : squeeze(e0flat, 1));
  const e0 = reshape(e0flat, [b, e0flat.shape[1], 6, c.dim]);

  // 3. Context: text (already zero-padded to text_len) and, for Wan2.1 I2V, CLIP tokens in front
  const ctxIn = g.input('context', 'float32', [b, c.textLen, c.textDim]);
  let context = linear(
    root.at('text_embedding.2'),
    geluTanh(linear(root.at('text_embedding.0'), ctxIn, c.textDim, c.dim)),
    c.dim,
    c.dim,
  );
  tap('inter.text_embedding', context);
  if (hasImageBranch(c)) {
    const clip = g.input('clip_fea', 'float32', [b, shape.clipTokens, CLIP_DIM]);
    const p = root.at('img_emb.proj');
    let h = layerNorm(p.at(0), clip, CLIP_DIM, 1e-5);
    h = linear(p.at(3), geluErf(linear(p.at(1), h, CLIP_DIM, CLIP_DIM)), CLIP_DIM, c.dim);
    const img = layerNorm(p.at(4), h, c.dim, 1e-5);
    tap('inter.img_emb', img);
    context = concat([img, context], 1);
  }

  // 4. RoPE tables and the key padding (constants of this shape)
  const int8 = shape.int8 ?? false;
  const fused = int8 || (shape.fused ?? false);
  const attn = attentionInputs(g, c, tokenGrids, L, fused, int8);

  // 5. Transformer blocks
  for (let i = 0; i < c.numLayers; i++) {
    x = wanBlock(root.at('blocks').at(i), x, e0, context, c, attn);
    tap(`inter.block${i}`, x);
  }

  // 6. Head: modulated by e (not e0), then unpatchify each sample's real tokens
  const hm = root.at('head').param('modulation', [1, 2, c.dim]);
  const [shift, scale] = split(add(unsqueeze(hm, 0), unsqueeze(e, 2)), 2, 2).map((t) => squeeze(t, 2));
  const [pt, ph, pw] = c.patchSize;
  const normed = modulatedNorm(x, shift, scale, c.eps, fused);
  const head = linear(root.at('head.head'), normed, c.dim, pt * ph * pw * c.outDim);
  tap('inter.head', head);
  tokenGrids.forEach(([f, h, w], i) => {
    const u = reshape(slice(slice(head, 0, i, i + 1), 1, 0, f * h * w), [f, h, w, pt, ph, pw, c.outDim]);
    const v = transpose(u, [6, 0, 3, 1, 4, 2, 5]); // [c, f, pt, h, ph, w, pw]
    g.output(`out${i}`, reshape(v, [c.outDim, f * pt, h * ph, w * pw]));
  });
}

/** RoPE tables per token (identity rotation on padding) and what drops the padded keys. */
function attentionInputs(
  g: Graph,
  c: WanDitConfig,
  tokenGrids: readonly (readonly [number, number, number])[],
  L: number,
  fused: boolean,
  int8: boolean,
): AttentionInputs {
  const b = tokenGrids.length;
  const half = headDim(c) / 2;
  const cos = new Float32Array(b * L * half);
  const sin = new Float32Array(b * L * half);
  const keyLens = tokenGrids.map((tg, i) => {
    const t = ropeTables(2 * half, tg, L);
    cos.set(t.cos, i * L * half);
    sin.set(t.sin, i * L * half);
    return tg[0] * tg[1] * tg[2];
  });
  if (fused) {
    const positions = HostTensor.i64(
      [b, L],
      Array.from({ length: b * L }, (_, j) => j),
    );
    return {
      fused: true,
      int8,
      cos: g.constant(HostTensor.f32([b * L, half], cos), 'rope_cos'),
      sin: g.constant(HostTensor.f32([b * L, half], sin), 'rope_sin'),
      positions: g.constant(positions, 'rope_positions'),
      keyLens,
    };
  }
  let mask: Tensor | undefined;
  if (keyLens.some((n) => n < L)) {
    const maskData = new Float32Array(b * L);
    keyLens.forEach((n, i) => {
      maskData.fill(Number.NEGATIVE_INFINITY, i * L + n, (i + 1) * L);
    });
    mask = g.constant(HostTensor.f32([b, 1, 1, L], maskData), 'key_mask');
  }
  return {
    fused: false,
    int8: false,
    cos: g.constant(HostTensor.f32([b, L, 1, half], cos), 'rope_cos'),
    sin: g.constant(HostTensor.f32([b, L, 1, half], sin), 'rope_sin'),
    mask,
  };
}
