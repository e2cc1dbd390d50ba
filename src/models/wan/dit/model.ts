// WanDiT: the WanModel forward over host tensors. Prepares what upstream does in
// Python around the network (context padding, timestep sinusoids, per-token
// expansion) and runs the graph compiled for this batch shape.
import { InputError } from '../../../engine/errors.js';
import type { Graph } from '../../../engine/graph/graph.js';
import { HostTensor, shapeText } from '../../../engine/host-tensor.js';
import { declaredParams, type Program, type Weights } from '../../../engine/program.js';
import { deriveInt8Weights } from '../../../engine/rewrite/int8-weights.js';
import { CLIP_DIM, hasImageBranch, type WanDitConfig } from './config.js';
import { buildDitGraph, type DitShape, shapeKey, tokenGrid } from './graph.js';
import { sinusoidalEmbedding } from './time-embedding.js';

export interface DitSample {
  /** Latent input [C, F, H, W], C = in_dim (for i2v: noisy latent, mask and image latent concatenated). */
  readonly x: HostTensor;
  /** Text context [S, text_dim], S <= text_len (zero-padded to text_len here, as upstream). */
  readonly context: HostTensor;
  /** CLIP features [N, 1280] (Wan2.1 i2v/flf2v only). */
  readonly clipFea?: HostTensor;
  /** Timestep: one value, or one per token (length seq_len; Wan2.2 only). */
  readonly t: number | ArrayLike<number>;
}

export interface DitForwardOptions {
  /** Token length every sample is padded to; default: the longest sample. */
  readonly seqLen?: number;
  readonly taps?: boolean;
  /**
   * Fused ONNX Runtime inference kernels (default true): same float32 results as the
   * primitive graph within ~1e-6, faster. false builds the primitive-only graph.
   */
  readonly fused?: boolean;
  /**
   * Opt-in, lossy: block linears as int8 GEMMs with dynamic activation quantization
   * (about 3x faster on x86 CPUs with VNNI; see docs/performance.md for the
   * measured error). The int8 weights are derived from the float32 ones on first
   * use and kept (about +25 % weight memory).
   */
  readonly int8?: boolean;
  readonly signal?: AbortSignal;
}

export interface DitForwardResult {
  /** Velocity prediction per sample, [out_dim, F, H, W]. */
  readonly outputs: HostTensor[];
  readonly taps: Record<string, HostTensor>;
}

export class WanDiT {
  readonly config: WanDitConfig;
  readonly #weights: Weights;
  readonly #program: Program;
  /** Official weights plus their int8 forms, made on the first int8 forward. */
  #int8Weights: Weights | undefined;

  constructor(config: WanDitConfig, weights: Weights, program: Program) {
    this.config = config;
    this.#weights = weights;
    this.#program = program;
  }

  /** Parameter names and shapes this config declares (official key names). */
  static declaredParams(c: WanDitConfig): Map<string, readonly number[]> {
    return paramsOf(c, false);
  }

  async forward(samples: readonly DitSample[], opts: DitForwardOptions = {}): Promise<DitForwardResult> {
    const c = this.config;
    if (samples.length === 0) throw new InputError('DiT forward: no samples');
    const grids = samples.map((s, i) => {
      if (s.x.shape.length !== 4 || s.x.shape[0] !== c.inDim) {
        throw new InputError(`DiT sample ${i}: x must be [${c.inDim}, F, H, W], got ${shapeText(s.x.shape)}`);
      }
      return [s.x.shape[1], s.x.shape[2], s.x.shape[3]] as [number, number, number];
    });
    const lens = grids.map((gr) => tokenGrid(c, gr).reduce((a, v) => a * v, 1));
    const seqLen = opts.seqLen ?? Math.max(...lens);
    lens.forEach((n, i) => {
      if (n < 1)
        throw new InputError(
          `DiT sample ${i}: latent grid ${shapeText(grids[i])} is smaller than one patch ${shapeText(c.patchSize)}`,
        );
      if (n > seqLen) throw new InputError(`DiT sample ${i}: ${n} tokens exceed seq_len ${seqLen}`);
    });

    // Timesteps: a table of distinct values and an index per sample (or per token).
    const perToken = c.version === '2.2';
    const values: number[] = [];
    const slot = new Map<number, number>();
    const idx = (v: number): bigint => {
      let k = slot.get(v);
      if (k === undefined) {
        k = values.length;
        values.push(v);
        slot.set(v, k);
      }
      return BigInt(k);
    };
    const tIndex = new BigInt64Array(samples.length * (perToken ? seqLen : 1));
    samples.forEach((s, i) => {
      if (typeof s.t === 'number') {
        if (perToken) tIndex.fill(idx(s.t), i * seqLen, (i + 1) * seqLen);
        else tIndex[i] = idx(s.t);
      } else {
        if (!perToken)
          throw new InputError(`DiT sample ${i}: per-token timesteps need a Wan2.2 model (this is Wan${c.version})`);
        if (s.t.length !== seqLen)
          throw new InputError(
            `DiT sample ${i}: per-token timesteps have length ${s.t.length}, expected seq_len ${seqLen}`,
          );
        for (let j = 0; j < seqLen; j++) tIndex[i * seqLen + j] = idx(s.t[j]);
      }
    });

    // Context zero-padded to text_len (the padded rows are attended to, unmasked, as upstream).
    const ctx = new Float32Array(samples.length * c.textLen * c.textDim);
    samples.forEach((s, i) => {
      const [n, dim] = s.context.shape;
      if (s.context.shape.length !== 2 || dim !== c.textDim) {
        throw new InputError(`DiT sample ${i}: context must be [S, ${c.textDim}], got ${shapeText(s.context.shape)}`);
      }
      if (n > c.textLen)
        throw new InputError(`DiT sample ${i}: context has ${n} tokens, more than text_len ${c.textLen}`);
      ctx.set(f32(s.context), i * c.textLen * c.textDim);
    });

    const inputs: Record<string, HostTensor> = {
      t_freq: HostTensor.f32([values.length, c.freqDim], sinusoidalEmbedding(c.freqDim, values)),
      t_index: new HostTensor('int64', [samples.length, perToken ? seqLen : 1], tIndex),
      context: HostTensor.f32([samples.length, c.textLen, c.textDim], ctx),
    };
    samples.forEach((s, i) => {
      inputs[`x${i}`] = HostTensor.f32([1, ...s.x.shape], f32(s.x));
    });
    let clipTokens = 0;
    if (hasImageBranch(c)) {
      const clips = samples.map((s, i) => {
        if (s.clipFea?.shape.length !== 2 || s.clipFea.shape[1] !== CLIP_DIM) {
          throw new InputError(
            `DiT sample ${i}: this ${c.modelType} model needs clipFea [N, ${CLIP_DIM}]${s.clipFea ? `, got ${shapeText(s.clipFea.shape)}` : ''}`,
          );
        }
        return s.clipFea;
      });
      clipTokens = clips[0].shape[0];
      if (clips.some((u) => u.shape[0] !== clipTokens))
        throw new InputError('DiT: all samples need the same number of CLIP tokens');
      const data = new Float32Array(samples.length * clipTokens * CLIP_DIM);
      clips.forEach((u, i) => {
        data.set(f32(u), i * clipTokens * CLIP_DIM);
      });
      inputs.clip_fea = HostTensor.f32([samples.length, clipTokens, CLIP_DIM], data);
    }

    const shape: DitShape = {
      grids,
      seqLen,
      numTimesteps: values.length,
      perToken,
      clipTokens,
      taps: opts.taps ?? false,
      fused: opts.fused ?? true,
      int8: opts.int8 ?? false,
    };
    const res = await this.#program.run(
      shapeKey(c, shape),
      (g) => buildDitGraph(g, c, shape),
      inputs,
      shape.int8 ? this.#withInt8Weights() : this.#weights,
      opts.signal,
    );
    const outputs = samples.map((_, i) => res[`out${i}`]);
    const taps: Record<string, HostTensor> = {};
    for (const [k, v] of Object.entries(res)) if (k.startsWith('inter.')) taps[k] = v;
    return { outputs, taps };
  }

  #withInt8Weights(): Weights {
    if (!this.#int8Weights) {
      const declared = paramsOf(this.config, true);
      this.#int8Weights = new Map([...this.#weights, ...deriveInt8Weights(declared, this.#weights)]);
    }
    return this.#int8Weights;
  }
}

function f32(t: HostTensor): Float32Array {
  if (t.dtype === 'float32') return t.data as Float32Array;
  throw new InputError(`expected a float32 tensor, got ${t.dtype} ${shapeText(t.shape)}`);
}

/** Parameters of the graph for `c` (shape-independent: built at the smallest shape). */
function paramsOf(c: WanDitConfig, int8: boolean): Map<string, readonly number[]> {
  const [pt, ph, pw] = c.patchSize;
  return declaredParams((g: Graph) =>
    buildDitGraph(g, c, {
      grids: [[pt, ph, pw]],
      seqLen: 1,
      numTimesteps: 1,
      perToken: false,
      clipTokens: 1,
      taps: false,
      int8,
    }),
  );
}
