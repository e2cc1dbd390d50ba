// Initial weights of the built-in text encoder and DiT, following each model's
// upstream initialisation: Wan's DiT (Xavier-uniform linears, zero biases,
// N(0, 0.02) text/time embeddings, a zero output head, modulation ~ N(0, 1/dim))
// and T5's (embeddings N(0, 1), projections N(0, 1/fan_in), q scaled down by the
// head width because T5 attention has no 1/√d).
import type { HostTensor } from '../engine/host-tensor.js';
import type { WanDitConfig } from '../models/wan/dit/config.js';
import { WanDiT } from '../models/wan/dit/model.js';
import type { Umt5Config } from '../models/wan/umt5/config.js';
import { Umt5Encoder } from '../models/wan/umt5/model.js';
import { type InitRule, initParams, xavierBound } from './init.js';

function ditRule(name: string, shape: readonly number[], c: WanDitConfig): InitRule | undefined {
  if (name.endsWith('modulation')) return { kind: 'normal', std: 1 / Math.sqrt(c.dim) };
  if (/norm[^.]*\.weight$/.test(name) || /^blocks\.\d+\.norm3\.weight$/.test(name)) return { kind: 'const', value: 1 };
  if (name.endsWith('.bias')) return { kind: 'const', value: 0 };
  if (name === 'head.head.weight') return { kind: 'const', value: 0 };
  if (name.startsWith('text_embedding.') || name.startsWith('time_embedding.')) return { kind: 'normal', std: 0.02 };
  return { kind: 'uniform', bound: xavierBound(shape) };
}

function textRule(name: string, shape: readonly number[], c: Umt5Config): InitRule | undefined {
  if (name === 'token_embedding.weight') return { kind: 'normal', std: 1 };
  if (name.endsWith('norm1.weight') || name.endsWith('norm2.weight') || name === 'norm.weight')
    return { kind: 'const', value: 1 };
  if (name.endsWith('pos_embedding.embedding.weight')) return { kind: 'normal', std: 1 / Math.sqrt(c.dim) };
  const fanIn = shape[1];
  if (name.endsWith('attn.q.weight')) return { kind: 'normal', std: 1 / Math.sqrt(fanIn * (c.dimAttn / c.numHeads)) };
  return { kind: 'normal', std: 1 / Math.sqrt(fanIn) };
}

/** Text-encoder and DiT parameters (disjoint official names) from `seed`. */
export function initJointParams(text: Umt5Config, dit: WanDitConfig, seed: number): Map<string, HostTensor> {
  const t = initParams(Umt5Encoder.declaredParams(text), seed, (n, s) => textRule(n, s, text));
  const d = initParams(WanDiT.declaredParams(dit), seed + 1, (n, s) => ditRule(n, s, dit));
  for (const k of t.keys()) {
    if (d.has(k)) throw new Error(`built-in model: parameter '${k}' is declared by both the text encoder and the DiT`);
  }
  return new Map([...t, ...d]);
}

/** Whether a joint parameter belongs to the text encoder (its keys are disjoint from the DiT's). */
export function isTextParam(name: string, text: Umt5Config): boolean {
  return (
    name === 'token_embedding.weight' ||
    name === 'norm.weight' ||
    (/^blocks\.\d+\./.test(name) && isUmt5Block(name, text))
  );
}

function isUmt5Block(name: string, c: Umt5Config): boolean {
  const m = /^blocks\.(\d+)\.(.*)$/.exec(name);
  if (!m || Number(m[1]) >= c.numLayers) return false;
  return /^(norm1|norm2|attn\.[qkvo]|ffn\.(gate\.0|fc1|fc2)|pos_embedding\.embedding)\.weight$/.test(m[2]);
}
