// Reading UMT5 encoder weights from a checkpoint in either layout: the official
// `models_t5_umt5-xxl-enc-bf16.pth` (T5Encoder state dict) or a transformers
// `UMT5EncoderModel` file (diffusers `text_encoder/`). The config is inferred
// from the tensor shapes, so no config file is needed.
import { InputError } from '../../../engine/errors.js';
import type { HostTensor } from '../../../engine/host-tensor.js';
import { bindParameters } from '../../../engine/weights/bind.js';
import type { TensorSource } from '../../../engine/weights/tensor-source.js';
import { umt5HfToOfficial } from '../keymaps/umt5.js';
import { type Umt5Config, umt5ConfigFromShapes } from './config.js';
import { Umt5Encoder } from './model.js';

export type Umt5Layout = 'official' | 'transformers';

export interface LoadUmt5Options {
  /**
   * `keep` (default): tensors stay in their stored dtype (bf16 for the official
   * file), for layered execution. `float32`: converted while reading.
   */
  readonly dtype?: 'keep' | 'float32';
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number, name: string) => void;
}

export interface LoadedUmt5 {
  readonly config: Umt5Config;
  readonly layout: Umt5Layout;
  /** Official parameter names. */
  readonly weights: Map<string, HostTensor>;
}

/** Which naming a checkpoint uses, from its keys. */
export function detectUmt5Layout(keys: readonly string[], where: string): Umt5Layout {
  if (keys.includes('token_embedding.weight')) return 'official';
  if (keys.some((k) => k === 'shared.weight' || k.startsWith('encoder.block.'))) return 'transformers';
  throw new InputError(
    `${where}: not a UMT5 encoder checkpoint (no 'token_embedding.weight' or 'shared.weight'; keys look like ${keys.slice(0, 3).join(', ')})`,
  );
}

/** Reads every encoder parameter of `source` under its official name, and the config they imply. */
export async function loadUmt5Weights(source: TensorSource, opts: LoadUmt5Options = {}): Promise<LoadedUmt5> {
  const keys = source.keys();
  const layout = detectUmt5Layout(keys, source.path);
  const keyMap = layout === 'transformers' ? umt5HfToOfficial : undefined;
  const shapes = new Map<string, readonly number[]>();
  for (const k of keys) {
    const name = keyMap ? keyMap(k) : k;
    if (name !== undefined && !shapes.has(name)) shapes.set(name, source.info(k).shape);
  }
  const config = umt5ConfigFromShapes(shapes, source.path);
  const declared = new Map([...Umt5Encoder.declaredParams(config)].map(([k, shape]) => [k, { shape }]));
  const weights = await bindParameters(declared, source, {
    keyMap,
    // transformers files may carry a decoder or an LM head next to the encoder.
    allowUnexpected: layout === 'transformers' ? /^(decoder\.|lm_head\.)/ : false,
    dtype: opts.dtype ?? 'keep',
    signal: opts.signal,
    onProgress: opts.onProgress,
  });
  return { config, layout, weights };
}
