// Wan DiT parameter names: official (`WanModel`) ↔ diffusers
// (`WanTransformer3DModel`). Diffusers swaps the two block norms: its affine
// `norm2` is the official cross-attention pre-norm `norm3`.
import { makeRenamer, type RenameRule } from './rename.js';

const BLOCK_RULES: readonly RenameRule[] = [
  ['modulation', 'scale_shift_table'],
  ['self_attn.q', 'attn1.to_q'],
  ['self_attn.k', 'attn1.to_k'],
  ['self_attn.v', 'attn1.to_v'],
  ['self_attn.o', 'attn1.to_out.0'],
  ['self_attn.norm_q', 'attn1.norm_q'],
  ['self_attn.norm_k', 'attn1.norm_k'],
  ['cross_attn.q', 'attn2.to_q'],
  ['cross_attn.k', 'attn2.to_k'],
  ['cross_attn.v', 'attn2.to_v'],
  ['cross_attn.o', 'attn2.to_out.0'],
  ['cross_attn.norm_q', 'attn2.norm_q'],
  ['cross_attn.norm_k', 'attn2.norm_k'],
  ['cross_attn.k_img', 'attn2.add_k_proj'],
  ['cross_attn.v_img', 'attn2.add_v_proj'],
  ['cross_attn.norm_k_img', 'attn2.norm_added_k'],
  ['norm1', 'norm1'],
  ['norm2', 'norm3'],
  ['norm3', 'norm2'],
  ['ffn.0', 'ffn.net.0.proj'],
  ['ffn.2', 'ffn.net.2'],
];

const RULES: readonly RenameRule[] = [
  ['patch_embedding', 'patch_embedding'],
  ['text_embedding.0', 'condition_embedder.text_embedder.linear_1'],
  ['text_embedding.2', 'condition_embedder.text_embedder.linear_2'],
  ['time_embedding.0', 'condition_embedder.time_embedder.linear_1'],
  ['time_embedding.2', 'condition_embedder.time_embedder.linear_2'],
  ['time_projection.1', 'condition_embedder.time_proj'],
  ['head.modulation', 'scale_shift_table'],
  ['head.head', 'proj_out'],
  ['img_emb.proj.0', 'condition_embedder.image_embedder.norm1'],
  ['img_emb.proj.1', 'condition_embedder.image_embedder.ff.net.0.proj'],
  ['img_emb.proj.3', 'condition_embedder.image_embedder.ff.net.2'],
  ['img_emb.proj.4', 'condition_embedder.image_embedder.norm2'],
  ['img_emb.emb_pos', 'condition_embedder.image_embedder.pos_embed'],
  ...BLOCK_RULES.map(([a, b]): RenameRule => [`blocks.{n}.${a}`, `blocks.{n}.${b}`]),
];

const toDiffusers = makeRenamer(RULES, false);
const toOfficial = makeRenamer(RULES, true);

/** Diffusers `WanTransformer3DModel` key → official `WanModel` key; undefined if it has no counterpart. */
export function ditDiffusersToOfficial(key: string): string | undefined {
  return toOfficial(key);
}

/** Official `WanModel` key → diffusers `WanTransformer3DModel` key; undefined if unknown. */
export function ditOfficialToDiffusers(key: string): string | undefined {
  return toDiffusers(key);
}
