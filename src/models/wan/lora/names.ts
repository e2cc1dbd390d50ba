// LoRA key names as the common tools write them, mapped to official Wan module names.
//
//   diffusers / PEFT   transformer.blocks.0.attn1.to_q.lora_A.weight   (lora_B: up)
//   original / ComfyUI diffusion_model.blocks.0.self_attn.q.lora_down.weight, .lora_up.weight, .alpha
//   kohya / musubi     lora_unet_blocks_0_self_attn_q.lora_down.weight, .lora_up.weight, .alpha
import { ditDiffusersToOfficial, ditOfficialToDiffusers } from '../keymaps/dit.js';

export type LoraKeyStyle = 'diffusers' | 'original' | 'kohya';

/** Which tensor of an adapter a key holds. */
export type LoraPart = 'down' | 'up' | 'alpha' | 'diff' | 'diff_b';

export interface ParsedLoraKey {
  /** The module path as written in the file (prefix and suffix removed). */
  readonly module: string;
  readonly part: LoraPart;
  /** Whether the module path is underscore-joined (kohya). */
  readonly underscored: boolean;
}

const SUFFIXES: readonly [string, LoraPart][] = [
  ['.lora_down.weight', 'down'],
  ['.lora_up.weight', 'up'],
  ['.lora_A.weight', 'down'],
  ['.lora_B.weight', 'up'],
  ['.lora_A.default.weight', 'down'],
  ['.lora_B.default.weight', 'up'],
  ['.lora.down.weight', 'down'],
  ['.lora.up.weight', 'up'],
  ['.alpha', 'alpha'],
  ['.diff_b', 'diff_b'],
  ['.diff', 'diff'],
];

const PREFIXES = ['base_model.model.', 'model.diffusion_model.', 'diffusion_model.', 'transformer.', 'unet.'];

/** Splits a LoRA key into module and part; undefined when the suffix is not one we apply. */
export function parseLoraKey(key: string): ParsedLoraKey | undefined {
  if (/^(lora_te\d?_|text_encoder|te\d?\.)/.test(key)) return undefined;
  const suf = SUFFIXES.find(([s]) => key.endsWith(s));
  if (!suf) return undefined;
  let module = key.slice(0, key.length - suf[0].length);
  if (module.startsWith('lora_unet_'))
    return { module: module.slice('lora_unet_'.length), part: suf[1], underscored: true };
  for (const p of PREFIXES) {
    if (module.startsWith(p)) {
      module = module.slice(p.length);
      break;
    }
  }
  return { module, part: suf[1], underscored: false };
}

/** Diffusers-only module segments: a file using any of them names modules the diffusers way. */
const DIFFUSERS_MARKERS =
  /(^|\.)(attn1|attn2|to_q|to_k|to_v|to_out|ffn\.net|proj_out|condition_embedder|scale_shift_table)(\.|$)/;

/** Decides once per file whether dotted module names follow diffusers or the official code. */
export function detectDottedStyle(modules: Iterable<string>): 'diffusers' | 'original' {
  for (const m of modules) if (DIFFUSERS_MARKERS.test(m)) return 'diffusers';
  return 'original';
}

/** Official Linear module names of a Wan DiT with `blocks` blocks (for resolving kohya names without a model). */
export function wanLinearModules(blocks = 64): string[] {
  const out = [
    'text_embedding.0',
    'text_embedding.2',
    'time_embedding.0',
    'time_embedding.2',
    'time_projection.1',
    'head.head',
    'img_emb.proj.1',
    'img_emb.proj.3',
  ];
  for (let i = 0; i < blocks; i++) {
    for (const a of ['self_attn', 'cross_attn'])
      for (const p of ['q', 'k', 'v', 'o']) out.push(`blocks.${i}.${a}.${p}`);
    out.push(`blocks.${i}.cross_attn.k_img`, `blocks.${i}.cross_attn.v_img`, `blocks.${i}.ffn.0`, `blocks.${i}.ffn.2`);
  }
  return out;
}

/**
 * Resolves file module names to official names: kohya names through the
 * underscore form of the known modules, dotted names through the diffusers
 * key map when the file uses diffusers names.
 */
export function moduleResolver(
  dottedStyle: 'diffusers' | 'original',
  known: Iterable<string> = wanLinearModules(),
): (p: ParsedLoraKey) => string | undefined {
  const byUnderscore = new Map<string, string>();
  const knownSet = new Set<string>();
  for (const m of known) {
    knownSet.add(m);
    byUnderscore.set(m.replace(/\./g, '_'), m);
    const d = ditOfficialToDiffusers(m);
    if (d) byUnderscore.set(d.replace(/\./g, '_'), m);
  }
  return (p) => {
    if (p.underscored) return byUnderscore.get(p.module);
    const m = dottedStyle === 'diffusers' ? ditDiffusersToOfficial(p.module) : p.module;
    // full deltas may target any weight (norms, biases); adapters only known Linear modules
    if (!m || p.part === 'diff' || p.part === 'diff_b') return m;
    return knownSet.has(m) ? m : undefined;
  };
}

/** The key prefix and suffixes each writer uses for a module. */
export function loraKeys(style: LoraKeyStyle, officialModule: string): { down: string; up: string; alpha?: string } {
  if (style === 'diffusers') {
    const m = `transformer.${ditOfficialToDiffusers(officialModule) ?? officialModule}`;
    return { down: `${m}.lora_A.weight`, up: `${m}.lora_B.weight` };
  }
  const m = style === 'kohya' ? `lora_unet_${officialModule.replace(/\./g, '_')}` : `diffusion_model.${officialModule}`;
  return { down: `${m}.lora_down.weight`, up: `${m}.lora_up.weight`, alpha: `${m}.alpha` };
}
