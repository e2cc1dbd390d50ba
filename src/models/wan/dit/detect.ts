// Working out a DiT's configuration from what users have on disk: an official
// config.json (WanModel kwargs), a diffusers config.json (WanTransformer3DModel),
// or, failing both, the tensor shapes (official key names).
import { InputError } from '../../../engine/errors.js';
import { ditConfigFromJson, type WanDitConfig, type WanVersion } from './config.js';

/** Converts a diffusers WanTransformer3DModel config to WanModel keyword arguments. */
export function diffusersDitConfig(j: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const heads = j.num_attention_heads;
  const headDim = j.attention_head_dim;
  if (typeof heads !== 'number' || typeof headDim !== 'number') {
    throw new InputError('diffusers transformer config: num_attention_heads and attention_head_dim are required');
  }
  const inDim = j.in_channels;
  const imageDim = j.image_dim;
  return {
    dim: heads * headDim,
    num_heads: heads,
    ffn_dim: j.ffn_dim,
    num_layers: j.num_layers,
    in_dim: inDim,
    out_dim: j.out_channels,
    text_dim: j.text_dim,
    freq_dim: j.freq_dim,
    patch_size: j.patch_size,
    eps: j.eps,
    cross_attn_norm: j.cross_attn_norm,
    qk_norm: j.qk_norm !== null && j.qk_norm !== undefined && j.qk_norm !== false,
    model_type:
      typeof imageDim === 'number'
        ? typeof j.pos_embed_seq_len === 'number'
          ? 'flf2v'
          : 'i2v'
        : inDim === 36
          ? 'i2v'
          : inDim === 48
            ? 'ti2v'
            : 't2v',
  };
}

/** Config from a config.json object of either flavour. */
export function ditConfigFromFile(json: Readonly<Record<string, unknown>>, version?: WanVersion): WanDitConfig {
  const isDiffusers = json._class_name === 'WanTransformer3DModel' || 'num_attention_heads' in json;
  const kw = isDiffusers ? diffusersDitConfig(json) : json;
  const v =
    version ?? (isDiffusers && kw.model_type === 'i2v' && typeof json.image_dim !== 'number' ? '2.2' : undefined);
  return ditConfigFromJson(kw, undefined, v ?? defaultVersion(kw));
}

function defaultVersion(kw: Readonly<Record<string, unknown>>): WanVersion | undefined {
  return kw.model_type === 'ti2v' ? '2.2' : undefined;
}

/**
 * Config from tensor shapes (official names). Head count is not visible in shapes:
 * every official model uses head dim 128, which is assumed unless `headDim` is given.
 */
export function ditConfigFromShapes(
  shapes: ReadonlyMap<string, readonly number[]>,
  opts: { headDim?: number; version?: WanVersion } = {},
): WanDitConfig {
  const get = (k: string): readonly number[] => {
    const s = shapes.get(k);
    if (!s) throw new InputError(`cannot detect the DiT configuration: tensor '${k}' is missing`);
    return s;
  };
  const pe = get('patch_embedding.weight');
  const dim = pe[0];
  let layers = 0;
  while (shapes.has(`blocks.${layers}.self_attn.q.weight`)) layers++;
  if (layers === 0) throw new InputError("cannot detect the DiT configuration: no 'blocks.0.self_attn.q.weight'");
  const patch = [pe[2], pe[3], pe[4]];
  const outDim = get('head.head.weight')[0] / (patch[0] * patch[1] * patch[2]);
  const headDim = opts.headDim ?? 128;
  if (dim % headDim !== 0)
    throw new InputError(
      `cannot infer the head count: dim ${dim} is not a multiple of head dim ${headDim}; give a config.json`,
    );
  const hasImg = shapes.has('img_emb.proj.1.weight');
  const inDim = pe[1];
  const modelType = hasImg
    ? shapes.has('img_emb.emb_pos')
      ? 'flf2v'
      : 'i2v'
    : inDim === 36
      ? 'i2v'
      : inDim === 48
        ? 'ti2v'
        : 't2v';
  const version: WanVersion = opts.version ?? (hasImg ? '2.1' : modelType === 't2v' ? '2.1' : '2.2');
  return ditConfigFromJson(
    {
      dim,
      num_heads: dim / headDim,
      num_layers: layers,
      ffn_dim: get('blocks.0.ffn.0.weight')[0],
      in_dim: inDim,
      out_dim: outDim,
      text_dim: get('text_embedding.0.weight')[1],
      freq_dim: get('time_embedding.0.weight')[1],
      patch_size: patch,
      qk_norm: shapes.has('blocks.0.self_attn.norm_q.weight'),
      cross_attn_norm: shapes.has('blocks.0.norm3.weight'),
      model_type: modelType,
    },
    undefined,
    version,
  );
}
