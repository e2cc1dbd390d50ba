// Umt5Encoder: token ids + attention mask -> encoder states, and the per-prompt
// contexts trimmed to their real length (T5EncoderModel.__call__).
import { halfToFloat32 } from '../../../engine/dtype.js';
import { InputError, throwIfAborted } from '../../../engine/errors.js';
import type { Graph } from '../../../engine/graph/graph.js';
import { HostTensor, shapeText, toFloat32 } from '../../../engine/host-tensor.js';
import { checkWeights, declaredParams, type Program, type Weights } from '../../../engine/program.js';
import type { Umt5Config } from './config.js';
import {
  blockParamShapes,
  buildUmt5BlockGraph,
  buildUmt5Graph,
  buildUmt5NormGraph,
  SHARED_POS_TABLE,
  STAGE_BLOCK,
  type Umt5Shape,
} from './graph.js';

/**
 * How the encoder runs. `whole`: one graph, every weight converted to float32
 * once and kept. `layered`: one graph per block, each block's weights
 * converted to float32 just before its run and dropped after, so bf16 weights
 * stay bf16 in memory (peak ≈ the bf16 weights + one float32 block).
 * `auto`: `whole` when every weight is already float32, else `layered`.
 */
export type Umt5Execution = 'auto' | 'whole' | 'layered';

export interface Umt5EncoderOptions {
  readonly execution?: Umt5Execution;
}

export interface Umt5EncodeOptions {
  /**
   * Run only up to the longest prompt instead of all L positions. Real tokens
   * never attend to padding (it is masked) and the bias only depends on
   * offsets, so the contexts are the same maths; `hidden` is then [B, longest, dim].
   */
  readonly trimPadding?: boolean;
  readonly signal?: AbortSignal;
  /** Called after each block (layered execution) or once (whole). */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface Umt5EncodeResult {
  /** Encoder output for every position, [B, L, dim] (padded positions included, as upstream). */
  readonly hidden: HostTensor<'float32'>;
  /** `hidden[b, :length_b]` for each prompt, [length_b, dim] (copies). */
  readonly contexts: HostTensor<'float32'>[];
  /** Real tokens per prompt (Σ mask, `</s>` included). */
  readonly lengths: number[];
}

type IntTensor = HostTensor<'int64'> | HostTensor<'int32'>;

export class Umt5Encoder {
  readonly config: Umt5Config;
  readonly execution: 'whole' | 'layered';
  readonly #weights: Weights;
  readonly #program: Program;
  /** Session-cache key prefix: a program shared by encoders of different configs never mixes graphs. */
  readonly #keyPrefix: string;

  /**
   * `weights`: official key names, any float dtype (bf16 as stored). The
   * shapes are checked here; the program is owned by the caller.
   */
  constructor(config: Umt5Config, weights: Weights, program: Program, opts: Umt5EncoderOptions = {}) {
    checkWeights(Umt5Encoder.declaredParams(config), weights);
    this.config = config;
    const allF32 = [...weights.values()].every((w) => w.dtype === 'float32');
    const mode = opts.execution ?? 'auto';
    this.execution = mode === 'auto' ? (allF32 ? 'whole' : 'layered') : mode;
    if (this.execution === 'whole' && !allF32) {
      const converted = new Map<string, HostTensor>();
      for (const [k, w] of weights) converted.set(k, toFloat32(w));
      this.#weights = converted;
    } else this.#weights = weights;
    this.#program = program;
    this.#keyPrefix = `umt5:${JSON.stringify(config)}`;
  }

  /** Parameter names and shapes of a config (official key names). */
  static declaredParams(c: Umt5Config): Map<string, readonly number[]> {
    return declaredParams((g: Graph) => buildUmt5Graph(g, c, { batch: 1, seqLen: 1 }));
  }

  /**
   * Encodes a batch. `ids` int64/int32 [B, L] (pad 0, `</s>` 1), `mask` [B, L]
   * (1 for real tokens incl. `</s>`, then 0), both as the tokenizer returns them.
   */
  async encode(ids: IntTensor, mask: IntTensor, opts: Umt5EncodeOptions = {}): Promise<Umt5EncodeResult> {
    const c = this.config;
    if (ids.shape.length !== 2) throw new InputError(`UMT5 encode: ids must be [B, L], got ${shapeText(ids.shape)}`);
    if (shapeText(mask.shape) !== shapeText(ids.shape)) {
      throw new InputError(`UMT5 encode: mask ${shapeText(mask.shape)} does not match ids ${shapeText(ids.shape)}`);
    }
    const [b, fullLen] = ids.shape;
    if (b < 1 || fullLen < 1) throw new InputError(`UMT5 encode: empty batch ${shapeText(ids.shape)}`);
    const idv = asNumbers(ids);
    const mv = asNumbers(mask);
    const lengths: number[] = [];
    for (let i = 0; i < b; i++) {
      let n = 0;
      for (let j = 0; j < fullLen; j++) {
        const id = idv[i * fullLen + j];
        if (!Number.isInteger(id) || id < 0 || id >= c.vocab) {
          throw new InputError(`UMT5 encode: ids[${i}, ${j}] = ${id} is outside the vocabulary [0, ${c.vocab})`);
        }
        if (mv[i * fullLen + j] > 0) n++;
      }
      lengths.push(n);
    }
    let len = fullLen;
    if (opts.trimPadding) {
      const prefix = lengths.every((n, i) => {
        for (let j = 0; j < fullLen; j++) if (mv[i * fullLen + j] > 0 !== j < n) return false;
        return true;
      });
      // Trimming is only the same maths when the real tokens come first.
      if (prefix) len = Math.max(1, ...lengths);
    }
    const ids64 = new BigInt64Array(b * len);
    const mask64 = new BigInt64Array(b * len);
    for (let i = 0; i < b; i++) {
      for (let j = 0; j < len; j++) {
        ids64[i * len + j] = BigInt(idv[i * fullLen + j]);
        mask64[i * len + j] = BigInt(mv[i * fullLen + j]);
      }
    }
    const shape: Umt5Shape = { batch: b, seqLen: len };
    const idsT = new HostTensor('int64', [b, len], ids64);
    const maskT = new HostTensor('int64', [b, len], mask64);
    const hidden =
      this.execution === 'whole'
        ? await this.#runWhole(shape, idsT, maskT, opts)
        : await this.#runLayered(shape, idsT, maskT, opts);
    const contexts = lengths.map((n, i) => {
      const start = i * len * c.dim;
      return HostTensor.f32([n, c.dim], hidden.data.slice(start, start + n * c.dim));
    });
    return { hidden, contexts, lengths };
  }

  async #runWhole(
    shape: Umt5Shape,
    ids: HostTensor<'int64'>,
    mask: HostTensor<'int64'>,
    opts: Umt5EncodeOptions,
  ): Promise<HostTensor<'float32'>> {
    const res = await this.#program.run(
      `${this.#keyPrefix}:whole:${shape.batch}x${shape.seqLen}`,
      (g) => buildUmt5Graph(g, this.config, shape),
      { ids, mask },
      this.#weights,
      opts.signal,
    );
    opts.onProgress?.(1, 1);
    return res.hidden as HostTensor<'float32'>;
  }

  async #runLayered(
    shape: Umt5Shape,
    ids: HostTensor<'int64'>,
    mask: HostTensor<'int64'>,
    opts: Umt5EncodeOptions,
  ): Promise<HostTensor<'float32'>> {
    const c = this.config;
    const w = this.#weights;
    const key = `${shape.batch}x${shape.seqLen}`;
    let x = embedRows(w.get('token_embedding.weight') as HostTensor, ids, c.dim);
    // One float32 buffer per block parameter, refilled for every layer: the
    // peak is one converted block whatever the garbage collector does.
    const scratch = new Map<string, Float32Array>();
    const stageTensor = (name: string, w: HostTensor): HostTensor => {
      if (w.dtype === 'float32') return w;
      let buf = scratch.get(name);
      if (!buf) {
        buf = new Float32Array(w.size);
        scratch.set(name, buf);
      }
      toFloat32Into(w, buf);
      return new HostTensor('float32', w.shape, buf);
    };
    const suffixes = blockParamShapes(c).map(([s]) => s);
    for (let i = 0; i < c.numLayers; i++) {
      throwIfAborted(opts.signal);
      const stage = new Map<string, HostTensor>();
      for (const s of suffixes)
        stage.set(`${STAGE_BLOCK}.${s}`, stageTensor(s, w.get(`blocks.${i}.${s}`) as HostTensor));
      if (c.sharedPos) stage.set(SHARED_POS_TABLE, toFloat32(w.get(SHARED_POS_TABLE) as HostTensor));
      const res = await this.#program.run(
        `${this.#keyPrefix}:block:${key}`,
        (g) => buildUmt5BlockGraph(g, c, shape),
        { x, mask },
        stage,
        opts.signal,
      );
      x = res.y as HostTensor<'float32'>;
      opts.onProgress?.(i + 1, c.numLayers);
    }
    const norm = new Map([['norm.weight', toFloat32(w.get('norm.weight') as HostTensor)]]);
    const res = await this.#program.run(
      `${this.#keyPrefix}:norm:${key}`,
      (g) => buildUmt5NormGraph(g, c, shape),
      { x },
      norm,
      opts.signal,
    );
    return res.hidden as HostTensor<'float32'>;
  }
}

/** Converts a half-precision (or other) tensor into an existing float32 buffer of the same size. */
function toFloat32Into(t: HostTensor, out: Float32Array): void {
  if (t.dtype === 'bfloat16') {
    const words = t.data as Uint16Array;
    const o32 = new Uint32Array(out.buffer, out.byteOffset, out.length);
    for (let i = 0; i < words.length; i++) o32[i] = words[i] << 16;
  } else out.set(toFloat32(t).data);
}

function asNumbers(t: IntTensor): ArrayLike<number> {
  if (t.data instanceof BigInt64Array) return Array.from(t.data, (v) => Number(v));
  return t.data;
}

/** Token embedding lookup in JS: only the rows used are converted to float32. */
function embedRows(table: HostTensor, ids: HostTensor<'int64'>, dim: number): HostTensor<'float32'> {
  const n = ids.data.length;
  const out = new Float32Array(n * dim);
  const half = table.dtype === 'bfloat16' || table.dtype === 'float16' ? table.dtype : undefined;
  const dense = half ? undefined : toFloat32(table).data;
  for (let i = 0; i < n; i++) {
    const start = Number(ids.data[i]) * dim;
    if (half) out.set(halfToFloat32((table.data as Uint16Array).subarray(start, start + dim), half), i * dim);
    else out.set((dense as Float32Array).subarray(start, start + dim), i * dim);
  }
  return HostTensor.f32([...ids.shape, dim], out);
}
