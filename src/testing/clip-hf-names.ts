// The Wan2.1 CLIP vision tower in transformers' `CLIPVisionModelWithProjection`
// layout (what diffusers' `image_encoder/` holds), converted from the official
// open-clip `visual.*` state dict: the fused q/k/v projection is split, the
// class and position embeddings lose their leading 1-dims and the projection
// `head` is transposed into `visual_projection.weight`.
import { InputError } from '../engine/errors.js';
import { HostTensor, shapeText, toFloat32 } from '../engine/host-tensor.js';
import { type ClipVisionConfig, mlpDim } from '../models/wan/clip/config.js';

const BLOCK_PARTS: ReadonlyArray<readonly [string, string]> = [
  ['norm1', 'layer_norm1'],
  ['norm2', 'layer_norm2'],
  ['attn.proj', 'self_attn.out_proj'],
  ['mlp.0', 'mlp.fc1'],
  ['mlp.2', 'mlp.fc2'],
];

const TOP_PARTS: ReadonlyArray<readonly [string, string]> = [
  ['patch_embedding', 'vision_model.embeddings.patch_embedding'],
  ['pre_norm', 'vision_model.pre_layrnorm'], // sic: transformers' attribute name
  ['post_norm', 'vision_model.post_layernorm'],
];

/**
 * Official vision-tower tensors (keys under `prefix`, default `visual.`) →
 * transformers CLIPVisionModelWithProjection tensors, float32. Keys outside
 * the prefix are ignored; unknown keys under it are an error.
 */
export function clipOfficialToHf(
  weights: ReadonlyMap<string, HostTensor>,
  prefix = 'visual.',
): Map<string, HostTensor<'float32'>> {
  const out = new Map<string, HostTensor<'float32'>>();
  for (const [key, tensor] of weights) {
    if (!key.startsWith(prefix)) continue;
    const k = key.slice(prefix.length);
    const t = toFloat32(tensor);
    if (k === 'cls_embedding') {
      out.set('vision_model.embeddings.class_embedding', t.reshape([t.shape[t.shape.length - 1]]));
      continue;
    }
    if (k === 'pos_embedding') {
      out.set('vision_model.embeddings.position_embedding.weight', t.reshape(t.shape.slice(-2)));
      continue;
    }
    if (k === 'head') {
      out.set('visual_projection.weight', transpose2d(t));
      continue;
    }
    const top = TOP_PARTS.find(([o]) => k.startsWith(`${o}.`));
    if (top) {
      out.set(top[1] + k.slice(top[0].length), t);
      continue;
    }
    const m = /^transformer\.(\d+)\.(.+)\.(weight|bias)$/.exec(k);
    const layer = m && `vision_model.encoder.layers.${m[1]}`;
    if (m && m[2] === 'attn.to_qkv') {
      // Rows are q, k, v stacked (both open-clip and Wan's SelfAttention split them in that order).
      const d = t.shape[0] / 3;
      const row = t.shape.length === 2 ? t.shape[1] : 1;
      ['q', 'k', 'v'].forEach((p, i) => {
        const part = t.data.slice(i * d * row, (i + 1) * d * row);
        out.set(`${layer}.self_attn.${p}_proj.${m[3]}`, HostTensor.f32(t.shape.length === 2 ? [d, row] : [d], part));
      });
      continue;
    }
    const part = m && BLOCK_PARTS.find(([o]) => o === m[2]);
    if (!m || !part) throw new InputError(`CLIP key '${key}' has no transformers counterpart`);
    out.set(`${layer}.${part[1]}.${m[3]}`, t);
  }
  return out;
}

function transpose2d(t: HostTensor<'float32'>): HostTensor<'float32'> {
  if (t.shape.length !== 2) throw new InputError(`CLIP head must be 2-D, got ${shapeText(t.shape)}`);
  const [r, c] = t.shape;
  const out = new Float32Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = t.data[i * c + j];
  return HostTensor.f32([c, r], out);
}

/** transformers `CLIPVisionConfig` (config.json of `image_encoder/`) for a vision-tower config. */
export function clipHfConfig(c: ClipVisionConfig, projectionDim: number): Record<string, unknown> {
  return {
    architectures: ['CLIPVisionModelWithProjection'],
    attention_dropout: 0,
    dropout: 0,
    hidden_act: c.activation === 'quick_gelu' ? 'quick_gelu' : 'gelu',
    hidden_size: c.dim,
    image_size: c.imageSize,
    initializer_factor: 1,
    initializer_range: 0.02,
    intermediate_size: mlpDim(c),
    layer_norm_eps: c.normEps,
    model_type: 'clip_vision_model',
    num_attention_heads: c.numHeads,
    num_channels: 3,
    num_hidden_layers: c.numLayers,
    patch_size: c.patchSize,
    projection_dim: projectionDim,
    torch_dtype: 'bfloat16',
  };
}

/** transformers `CLIPImageProcessor` settings (`image_processor/preprocessor_config.json`). */
export function clipHfPreprocessorConfig(c: ClipVisionConfig): Record<string, unknown> {
  return {
    crop_size: { height: c.imageSize, width: c.imageSize },
    do_center_crop: true,
    do_convert_rgb: true,
    do_normalize: true,
    do_rescale: true,
    do_resize: true,
    image_mean: [...c.mean],
    image_processor_type: 'CLIPImageProcessor',
    image_std: [...c.std],
    resample: 3,
    rescale_factor: 1 / 255,
    size: { shortest_edge: c.imageSize },
  };
}
