// UMT5 encoder parameter names: Hugging Face transformers (`UMT5EncoderModel`)
// ↔ official Wan `T5Encoder`. UMT5 has a relative-position table in every
// block (official `pos_embedding`), not only the first as in T5.
const LAYER_PARTS: ReadonlyArray<readonly [string, string]> = [
  ['layer.0.SelfAttention.q', 'attn.q'],
  ['layer.0.SelfAttention.k', 'attn.k'],
  ['layer.0.SelfAttention.v', 'attn.v'],
  ['layer.0.SelfAttention.o', 'attn.o'],
  ['layer.0.SelfAttention.relative_attention_bias', 'pos_embedding.embedding'],
  ['layer.0.layer_norm', 'norm1'],
  ['layer.1.layer_norm', 'norm2'],
  ['layer.1.DenseReluDense.wi_0', 'ffn.gate.0'],
  ['layer.1.DenseReluDense.wi_1', 'ffn.fc1'],
  ['layer.1.DenseReluDense.wo', 'ffn.fc2'],
];

/**
 * HF UMT5 encoder key → official key; undefined for keys with no counterpart
 * (decoder, lm_head). `shared.weight` and its tied alias
 * `encoder.embed_tokens.weight` both map to `token_embedding.weight`.
 */
export function umt5HfToOfficial(key: string): string | undefined {
  if (key === 'shared.weight' || key === 'encoder.embed_tokens.weight') return 'token_embedding.weight';
  if (key === 'encoder.final_layer_norm.weight') return 'norm.weight';
  const m = /^encoder\.block\.(\d+)\.(.+)\.weight$/.exec(key);
  if (!m) return undefined;
  const part = LAYER_PARTS.find(([hf]) => hf === m[2]);
  return part && `blocks.${m[1]}.${part[1]}.weight`;
}

/** Official key → HF UMT5 encoder key (`token_embedding` → `shared`); undefined if unknown. */
export function umt5OfficialToHf(key: string): string | undefined {
  if (key === 'token_embedding.weight') return 'shared.weight';
  if (key === 'norm.weight') return 'encoder.final_layer_norm.weight';
  const m = /^blocks\.(\d+)\.(.+)\.weight$/.exec(key);
  if (!m) return undefined;
  const part = LAYER_PARTS.find(([, official]) => official === m[2]);
  return part && `encoder.block.${m[1]}.${part[0]}.weight`;
}
