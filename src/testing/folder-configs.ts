// The JSON files of a model folder, in the schemas the releases use: the
// official `config.json` (WanModel keyword arguments) and the diffusers ones
// (model_index.json, WanTransformer3DModel, AutoencoderKLWan, transformers'
// UMT5 config, the UniPC scheduler).
import { hasImageBranch, type WanDitConfig } from '../models/wan/dit/config.js';
import type { Umt5Config } from '../models/wan/umt5/config.js';
import type { WanVaeConfig } from '../models/wan/vae/config.js';
import type { TinyModelConfigs } from './tiny-configs.js';

/** Official DiT `config.json`. `text_dim` is written because tiny text encoders are not 4096 wide. */
export function officialDitConfig(c: WanDitConfig): Record<string, unknown> {
  return {
    _class_name: 'WanModel',
    _diffusers_version: '0.30.0',
    dim: c.dim,
    eps: c.eps,
    ffn_dim: c.ffnDim,
    freq_dim: c.freqDim,
    in_dim: c.inDim,
    model_type: c.modelType,
    num_heads: c.numHeads,
    num_layers: c.numLayers,
    out_dim: c.outDim,
    text_dim: c.textDim,
    text_len: c.textLen,
  };
}

/** diffusers `transformer/config.json` (WanTransformer3DModel). */
export function diffusersDitConfig(c: WanDitConfig): Record<string, unknown> {
  const img = hasImageBranch(c);
  return {
    _class_name: 'WanTransformer3DModel',
    _diffusers_version: '0.35.0',
    added_kv_proj_dim: img ? c.dim : null,
    attention_head_dim: c.dim / c.numHeads,
    cross_attn_norm: c.crossAttnNorm,
    eps: c.eps,
    ffn_dim: c.ffnDim,
    freq_dim: c.freqDim,
    image_dim: img ? 1280 : null,
    in_channels: c.inDim,
    num_attention_heads: c.numHeads,
    num_layers: c.numLayers,
    out_channels: c.outDim,
    patch_size: [...c.patchSize],
    pos_embed_seq_len: null,
    qk_norm: c.qkNorm ? 'rms_norm_across_heads' : null,
    rope_max_seq_len: 1024,
    text_dim: c.textDim,
  };
}

/** diffusers `vae/config.json` (AutoencoderKLWan); 2.2 adds the decoder width and patchify. */
export function diffusersVaeConfig(c: WanVaeConfig): Record<string, unknown> {
  const common = {
    _class_name: 'AutoencoderKLWan',
    _diffusers_version: '0.35.0',
    attn_scales: [],
    base_dim: c.dim,
    dim_mult: [...c.dimMult],
    dropout: 0,
    latents_mean: [...c.latentsMean],
    latents_std: [...c.latentsStd],
    num_res_blocks: c.numResBlocks,
    temperal_downsample: [...c.temporalDownsample],
    z_dim: c.zDim,
  };
  if (c.version === '2.1') return common;
  return {
    ...common,
    clip_output: false,
    decoder_base_dim: c.decDim,
    in_channels: 12,
    is_residual: true,
    out_channels: 12,
    patch_size: 2,
    scale_factor_spatial: 16,
    scale_factor_temporal: 4,
  };
}

/** transformers `text_encoder/config.json` (UMT5EncoderModel, as google/umt5-xxl). */
export function umt5HfConfig(c: Umt5Config): Record<string, unknown> {
  return {
    architectures: ['UMT5EncoderModel'],
    classifier_dropout: 0,
    d_ff: c.dimFfn,
    d_kv: c.dimAttn / c.numHeads,
    d_model: c.dim,
    decoder_start_token_id: 0,
    dense_act_fn: 'gelu_new',
    dropout_rate: 0.1,
    eos_token_id: 1,
    feed_forward_proj: 'gated-gelu',
    initializer_factor: 1,
    is_encoder_decoder: true,
    is_gated_act: true,
    layer_norm_epsilon: c.eps,
    model_type: 'umt5',
    num_decoder_layers: c.numLayers,
    num_heads: c.numHeads,
    num_layers: c.numLayers,
    pad_token_id: 0,
    relative_attention_max_distance: c.maxDistance,
    relative_attention_num_buckets: c.numBuckets,
    scalable_attention: true,
    tie_word_embeddings: false,
    tokenizer_class: 'T5Tokenizer',
    torch_dtype: 'float32',
    use_cache: true,
    vocab_size: c.vocab,
  };
}

/** diffusers `scheduler/scheduler_config.json`: UniPC with flow sigmas, as the Wan repos ship it. */
export function diffusersSchedulerConfig(flowShift: number): Record<string, unknown> {
  return {
    _class_name: 'UniPCMultistepScheduler',
    _diffusers_version: '0.35.0',
    beta_end: 0.02,
    beta_schedule: 'linear',
    beta_start: 0.0001,
    disable_corrector: [],
    dynamic_thresholding_ratio: 0.995,
    final_sigmas_type: 'zero',
    flow_shift: flowShift,
    lower_order_final: true,
    num_train_timesteps: 1000,
    predict_x0: true,
    prediction_type: 'flow_prediction',
    rescale_betas_zero_snr: false,
    sample_max_value: 1,
    solver_order: 2,
    solver_p: null,
    solver_type: 'bh2',
    steps_offset: 0,
    thresholding: false,
    timestep_spacing: 'linspace',
    trained_betas: null,
    use_beta_sigmas: false,
    use_exponential_sigmas: false,
    use_flow_sigmas: true,
    use_karras_sigmas: false,
  };
}

/** diffusers `model_index.json`: which pipeline, and the class of each component folder. */
export function diffusersModelIndex(c: TinyModelConfigs): Record<string, unknown> {
  const i2v = c.dit.modelType === 'i2v';
  const clip = c.clip !== undefined;
  const none = [null, null];
  return {
    _class_name: i2v ? 'WanImageToVideoPipeline' : 'WanPipeline',
    _diffusers_version: '0.35.0',
    boundary_ratio: c.boundaryRatio ?? null,
    expand_timesteps: c.dit.modelType === 'ti2v',
    ...(i2v
      ? {
          image_encoder: clip ? ['transformers', 'CLIPVisionModelWithProjection'] : none,
          image_processor: clip ? ['transformers', 'CLIPImageProcessor'] : none,
        }
      : {}),
    scheduler: ['diffusers', 'UniPCMultistepScheduler'],
    text_encoder: ['transformers', 'UMT5EncoderModel'],
    tokenizer: ['transformers', 'T5TokenizerFast'],
    transformer: ['diffusers', 'WanTransformer3DModel'],
    transformer_2: c.experts ? ['diffusers', 'WanTransformer3DModel'] : none,
    vae: ['diffusers', 'AutoencoderKLWan'],
  };
}
