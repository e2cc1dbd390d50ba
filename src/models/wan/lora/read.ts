// Reading LoRA files written by the common trainers (diffusers/PEFT, ComfyUI's
// original-key layout, kohya/musubi), with a per-key report of what was not used.
import { InputError } from '../../../engine/errors.js';
import { type HostTensor, shapeText, toFloat32, toFloat64Array } from '../../../engine/host-tensor.js';
import { readSafetensors } from '../../../engine/weights/safetensors.js';
import { detectDottedStyle, moduleResolver, type ParsedLoraKey, parseLoraKey } from './names.js';
import type { LoraIssue, LoraModule, LoraWeights } from './types.js';

export interface ReadLoraOptions {
  /** Official Linear module names of the target model (resolves kohya names exactly); default: every Wan DiT Linear. */
  readonly knownModules?: Iterable<string>;
}

export interface LoraReadResult {
  readonly lora: LoraWeights;
  /** How module names were written: 'diffusers', 'original' or 'kohya' (the majority). */
  readonly style: 'diffusers' | 'original' | 'kohya';
  /** Keys that were not turned into an adapter, and why. */
  readonly issues: readonly LoraIssue[];
}

/** Alpha from safetensors metadata when the file has no `.alpha` tensors (PEFT / kohya conventions). */
function metadataAlpha(meta: Readonly<Record<string, string>>): number | undefined {
  const peft = meta.lora_adapter_metadata ?? meta.transformer_lora_adapter_metadata;
  if (peft) {
    try {
      // diffusers prefixes each field with the component ("transformer.lora_alpha")
      const j = JSON.parse(peft) as Record<string, unknown>;
      const a = j['transformer.lora_alpha'] ?? j.lora_alpha;
      if (typeof a === 'number') return a;
    } catch {
      // not JSON: ignore, the default applies
    }
  }
  const a = Number(meta.ss_network_alpha);
  return Number.isFinite(a) && a > 0 ? a : undefined;
}

/** Builds adapters from a file's tensors (any of the supported namings). */
export function parseLora(
  tensors: ReadonlyMap<string, HostTensor>,
  metadata: Readonly<Record<string, string>> = {},
  opts: ReadLoraOptions = {},
): LoraReadResult {
  const issues: LoraIssue[] = [];
  const parsed: [string, ParsedLoraKey][] = [];
  for (const key of tensors.keys()) {
    const p = parseLoraKey(key);
    if (!p) {
      issues.push({ key, reason: unsupportedReason(key) });
      continue;
    }
    parsed.push([key, p]);
  }
  const dotted = detectDottedStyle(parsed.filter(([, p]) => !p.underscored).map(([, p]) => p.module));
  const kohya = parsed.filter(([, p]) => p.underscored).length;
  const style = kohya * 2 > parsed.length ? 'kohya' : dotted;
  const resolve = moduleResolver(dotted, opts.knownModules);
  const defaultAlpha = metadataAlpha(metadata);

  interface Parts {
    down?: [string, HostTensor];
    up?: [string, HostTensor];
    alpha?: [string, HostTensor];
  }
  const parts = new Map<string, Parts>();
  const diffs = new Map<string, HostTensor>();
  for (const [key, p] of parsed) {
    const t = tensors.get(key) as HostTensor;
    const m = resolve(p);
    if (!m) {
      issues.push({ key, reason: `module '${p.module}' is not a known Wan DiT module` });
      continue;
    }
    if (p.part === 'diff' || p.part === 'diff_b') {
      diffs.set(`${m}.${p.part === 'diff' ? 'weight' : 'bias'}`, toFloat32(t));
      continue;
    }
    const e = parts.get(m) ?? {};
    e[p.part] = [key, t];
    parts.set(m, e);
  }

  const modules = new Map<string, LoraModule>();
  for (const [m, e] of parts) {
    const keys = [e.down?.[0], e.up?.[0], e.alpha?.[0]].filter((k): k is string => k !== undefined);
    if (!e.down || !e.up) {
      for (const k of keys)
        issues.push({ key: k, reason: `module '${m}' has no ${e.down ? 'up (B)' : 'down (A)'} matrix` });
      continue;
    }
    const down = toFloat32(e.down[1]);
    const up = toFloat32(e.up[1]);
    const d2 = squeezeConv(down);
    const u2 = squeezeConv(up);
    if (!d2 || !u2 || d2.shape[0] !== u2.shape[1]) {
      for (const k of keys) {
        issues.push({
          key: k,
          reason: `module '${m}': down ${shapeText(down.shape)} and up ${shapeText(up.shape)} are not [rank, in] and [out, rank]`,
        });
      }
      continue;
    }
    const rank = d2.shape[0];
    const alpha = e.alpha ? toFloat64Array(e.alpha[1])[0] : (defaultAlpha ?? rank);
    if (!Number.isFinite(alpha)) {
      issues.push({ key: e.alpha?.[0] ?? m, reason: `module '${m}': alpha ${alpha} is not finite` });
      continue;
    }
    modules.set(m, { down: d2, up: u2, alpha });
  }
  return { lora: { modules, diffs }, style, issues };
}

/** Reads a LoRA safetensors file. */
export async function readLora(path: string, opts: ReadLoraOptions = {}): Promise<LoraReadResult> {
  const { metadata, tensors } = await readSafetensors(path);
  if (tensors.size === 0) throw new InputError(`${path}: the LoRA file has no tensors`);
  return parseLora(tensors, metadata, opts);
}

/** Linear LoRAs saved from 1×1 convolutions carry trailing unit axes: drop them. */
function squeezeConv(t: HostTensor): HostTensor | undefined {
  if (t.shape.length === 2) return t;
  if (t.shape.length > 2 && t.shape.slice(2).every((d) => d === 1)) return t.reshape(t.shape.slice(0, 2));
  return undefined;
}

function unsupportedReason(key: string): string {
  if (/^lora_te\d?_|text_encoder|^te\d?\./.test(key)) return 'text-encoder adapter (only the DiT is adapted)';
  if (/\.(hada_|lokr_)/.test(key)) return 'LoHa/LoKr adapters are not supported (LoRA only)';
  if (/\.lora_mid\./.test(key)) return 'LoCon mid (conv) weights are not supported';
  if (/dora_scale/.test(key)) return 'DoRA magnitude vectors are not supported';
  return 'not a LoRA key (expected .lora_down/.lora_up/.lora_A/.lora_B/.alpha/.diff/.diff_b)';
}
