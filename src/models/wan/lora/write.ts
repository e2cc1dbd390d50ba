// Writing LoRAs in the namings users' tools read.
//
// 'diffusers': PEFT names on diffusers modules, no alpha tensor; the alpha/rank
// scale is folded into lora_B so loaders that assume alpha = rank (diffusers
// without adapter metadata) apply the same update; the metadata records r and
// lora_alpha (= r) as diffusers writes them.
// 'original' (ComfyUI) and 'kohya' (musubi-tuner): lora_down/lora_up plus a scalar alpha.
import { f32ToBf16, f32ToF16 } from '../../../engine/dtype.js';
import { HostTensor } from '../../../engine/host-tensor.js';
import { encodeSafetensors, writeSafetensors } from '../../../engine/weights/safetensors.js';
import { ditOfficialToDiffusers } from '../keymaps/dit.js';
import { type LoraKeyStyle, loraKeys } from './names.js';
import { type LoraWeights, loraRank, loraScale } from './types.js';

export interface WriteLoraOptions {
  readonly style: LoraKeyStyle;
  /** Stored element type (default float32). */
  readonly dtype?: 'float32' | 'bfloat16' | 'float16';
  /** Extra string metadata (e.g. training config). */
  readonly metadata?: Readonly<Record<string, string>>;
}

function store(t: HostTensor, dtype: WriteLoraOptions['dtype']): HostTensor {
  const d = t.data as Float32Array;
  if (!dtype || dtype === 'float32') return t;
  const conv = dtype === 'bfloat16' ? f32ToBf16 : f32ToF16;
  return new HostTensor(
    dtype,
    t.shape,
    Uint16Array.from(d, (v) => conv(v)),
  );
}

/** The tensors and metadata of a LoRA file in the given naming. */
export function encodeLoraTensors(
  lora: LoraWeights,
  opts: WriteLoraOptions,
): { tensors: Map<string, HostTensor>; metadata: Record<string, string> } {
  const tensors = new Map<string, HostTensor>();
  const ranks = new Set<number>();
  for (const [m, mod] of lora.modules) {
    const k = loraKeys(opts.style, m);
    ranks.add(loraRank(mod));
    tensors.set(k.down, store(mod.down, opts.dtype));
    if (opts.style === 'diffusers') {
      const s = loraScale(mod);
      const up = mod.up.data as Float32Array;
      tensors.set(
        k.up,
        store(
          HostTensor.f32(
            mod.up.shape,
            up.map((v) => v * s),
          ),
          opts.dtype,
        ),
      );
    } else {
      tensors.set(k.up, store(mod.up, opts.dtype));
      tensors.set(k.alpha as string, HostTensor.f32([], [mod.alpha]));
    }
  }
  for (const [w, d] of lora.diffs) {
    const isBias = w.endsWith('.bias');
    const module = w.replace(/\.(weight|bias)$/, '');
    const name =
      opts.style === 'diffusers'
        ? `transformer.${ditOfficialToDiffusers(module) ?? module}`
        : `diffusion_model.${module}`;
    tensors.set(`${name}.${isBias ? 'diff_b' : 'diff'}`, store(d, opts.dtype));
  }
  const metadata: Record<string, string> = { format: 'pt', ...opts.metadata };
  if (opts.style === 'diffusers' && ranks.size === 1) {
    const r = [...ranks][0];
    // as diffusers' save_lora_weights packs it: fields prefixed by the component name
    metadata.lora_adapter_metadata = JSON.stringify({
      'transformer.r': r,
      'transformer.lora_alpha': r,
      'transformer.target_modules': [...lora.modules.keys()].map((m) => ditOfficialToDiffusers(m) ?? m),
    });
  }
  return { tensors, metadata };
}

export function encodeLora(lora: LoraWeights, opts: WriteLoraOptions): Uint8Array {
  const { tensors, metadata } = encodeLoraTensors(lora, opts);
  return encodeSafetensors(tensors, metadata);
}

export async function writeLora(path: string, lora: LoraWeights, opts: WriteLoraOptions): Promise<void> {
  const { tensors, metadata } = encodeLoraTensors(lora, opts);
  await writeSafetensors(path, tensors, metadata);
}
