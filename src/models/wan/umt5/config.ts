// UMT5 encoder (wan/modules/t5.py T5Encoder) configuration, the official
// preset, and reading a config from the oracle's JSON or from checkpoint shapes.
import { InputError } from '../../../engine/errors.js';
import { shapeText } from '../../../engine/host-tensor.js';

export interface Umt5Config {
  readonly vocab: number;
  readonly dim: number;
  /** Width of q/k/v (heads × head_dim); equals `dim` in every released T5. */
  readonly dimAttn: number;
  readonly dimFfn: number;
  readonly numHeads: number;
  readonly numLayers: number;
  readonly numBuckets: number;
  /** One relative-position table for all blocks (T5) or one per block (UMT5). */
  readonly sharedPos: boolean;
  /** Relative distance at which buckets saturate (128 upstream). */
  readonly maxDistance: number;
  /** T5LayerNorm epsilon (1e-6 upstream). */
  readonly eps: number;
}

/** The encoder Wan uses (`umt5_xxl(encoder_only=True)`), weights `models_t5_umt5-xxl-enc-bf16.pth`. */
export const UMT5_XXL: Umt5Config = {
  vocab: 256384,
  dim: 4096,
  dimAttn: 4096,
  dimFfn: 10240,
  numHeads: 64,
  numLayers: 24,
  numBuckets: 32,
  sharedPos: false,
  maxDistance: 128,
  eps: 1e-6,
};

export const UMT5_PRESETS: Readonly<Record<string, Umt5Config>> = { 'umt5-xxl': UMT5_XXL };

/** Wan's `text_len`: prompts are padded/truncated to this many tokens. */
export const UMT5_TEXT_LEN = 512;

/** Throws InputError unless the config describes a buildable encoder. */
export function validateUmt5Config(c: Umt5Config, where = 'UMT5 config'): Umt5Config {
  const ints: (keyof Umt5Config)[] = ['vocab', 'dim', 'dimAttn', 'dimFfn', 'numHeads', 'numLayers', 'numBuckets'];
  for (const k of ints) {
    const v = c[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
      throw new InputError(`${where}: ${k} must be a positive integer, got ${String(v)}`);
    }
  }
  if (c.dimAttn % c.numHeads !== 0) {
    throw new InputError(`${where}: dim_attn ${c.dimAttn} is not divisible by num_heads ${c.numHeads}`);
  }
  const maxExact = Math.floor(Math.floor(c.numBuckets / 2) / 2);
  if (maxExact < 1 || c.maxDistance <= maxExact) {
    throw new InputError(
      `${where}: num_buckets ${c.numBuckets} / max_distance ${c.maxDistance} leave no log-spaced buckets (need num_buckets >= 4 and max_distance > ${maxExact})`,
    );
  }
  if (!(c.eps > 0)) throw new InputError(`${where}: eps must be > 0, got ${c.eps}`);
  return c;
}

function num(j: Readonly<Record<string, unknown>>, key: string, fallback?: number): number {
  const v = j[key];
  if (typeof v === 'number') return v;
  if (fallback !== undefined) return fallback;
  throw new InputError(`UMT5 config: '${key}' is missing or not a number`);
}

/** From the oracle's snake_case JSON (`vocab, dim, dim_attn, dim_ffn, num_heads, num_layers, num_buckets, shared_pos`). */
export function umt5ConfigFromJson(j: Readonly<Record<string, unknown>>): Umt5Config {
  const vocab = j.vocab ?? j.vocab_size;
  return validateUmt5Config({
    vocab: typeof vocab === 'number' ? vocab : num(j, 'vocab'),
    dim: num(j, 'dim'),
    dimAttn: num(j, 'dim_attn', num(j, 'dim')),
    dimFfn: num(j, 'dim_ffn'),
    numHeads: num(j, 'num_heads'),
    numLayers: num(j, 'num_layers', typeof j.encoder_layers === 'number' ? j.encoder_layers : undefined),
    numBuckets: num(j, 'num_buckets'),
    sharedPos: j.shared_pos === true,
    maxDistance: num(j, 'max_distance', num(j, 'max_dist', 128)),
    eps: num(j, 'eps', 1e-6),
  });
}

/**
 * Infers the config from official parameter shapes (after any key mapping):
 * every field is determined by `token_embedding`, `blocks.N.*` and the
 * relative-position table(s). `where` names the checkpoint in errors.
 */
export function umt5ConfigFromShapes(shapes: ReadonlyMap<string, readonly number[]>, where: string): Umt5Config {
  const get = (k: string): readonly number[] => {
    const s = shapes.get(k);
    if (!s) throw new InputError(`${where}: not a UMT5 encoder checkpoint (no '${k}')`);
    return s;
  };
  const emb = get('token_embedding.weight');
  let layers = 0;
  while (shapes.has(`blocks.${layers}.attn.q.weight`)) layers++;
  if (layers === 0) throw new InputError(`${where}: no encoder blocks ('blocks.0.attn.q.weight' is missing)`);
  const sharedPos = shapes.has('pos_embedding.embedding.weight');
  const table = get(sharedPos ? 'pos_embedding.embedding.weight' : 'blocks.0.pos_embedding.embedding.weight');
  const q = get('blocks.0.attn.q.weight');
  const fc1 = get('blocks.0.ffn.fc1.weight');
  if (emb.length !== 2 || table.length !== 2 || q.length !== 2 || fc1.length !== 2) {
    throw new InputError(
      `${where}: unexpected UMT5 shapes (token_embedding ${shapeText(emb)}, pos table ${shapeText(table)}, q ${shapeText(q)}, fc1 ${shapeText(fc1)})`,
    );
  }
  return validateUmt5Config(
    {
      vocab: emb[0],
      dim: emb[1],
      dimAttn: q[0],
      dimFfn: fc1[0],
      numHeads: table[1],
      numLayers: layers,
      numBuckets: table[0],
      sharedPos,
      maxDistance: 128,
      eps: 1e-6,
    },
    where,
  );
}
