// ClipVisionEncoder: images in [-1, 1] -> CLIP ViT features, as Wan2.1's
// CLIPModel.visual computes them (the I2V/FLF2V `clip_fea`).
import { InputError } from '../../../engine/errors.js';
import type { Graph } from '../../../engine/graph/graph.js';
import { HostTensor, toFloat32 } from '../../../engine/host-tensor.js';
import { checkWeights, declaredParams, type Program, type Weights } from '../../../engine/program.js';
import type { ClipVisionConfig } from './config.js';
import { buildClipVisionGraph } from './graph.js';
import { clipPreprocess } from './preprocess.js';

export interface ClipEncodeOptions {
  /** Also return `inter.after_pre_norm` and each block's output `inter.block{i}`. */
  readonly taps?: boolean;
  readonly signal?: AbortSignal;
}

export interface ClipEncodeResult {
  /** [N, tokens, dim] (257 × 1280 per image for ViT-H/14). */
  readonly features: HostTensor<'float32'>;
  readonly taps: Record<string, HostTensor>;
}

export class ClipVisionEncoder {
  readonly config: ClipVisionConfig;
  readonly #weights: Weights;
  readonly #program: Program;

  /**
   * `weights`: VisionTransformer parameter names (checkpoint keys without
   * `visual.`); half-precision tensors are converted to float32 once here.
   */
  constructor(config: ClipVisionConfig, weights: Weights, program: Program) {
    checkWeights(ClipVisionEncoder.declaredParams(config), weights);
    this.config = config;
    const w = new Map<string, HostTensor>();
    for (const name of ClipVisionEncoder.declaredParams(config).keys())
      w.set(name, toFloat32(weights.get(name) as HostTensor));
    this.#weights = w;
    this.#program = program;
  }

  /** Parameter names and shapes this config runs (the last block, post_norm and head are not among them). */
  static declaredParams(c: ClipVisionConfig): Map<string, readonly number[]> {
    return declaredParams((g: Graph) => buildClipVisionGraph(g, c, { batch: 1, taps: false }));
  }

  /** Features of one image [3, H, W] or several (any sizes), values in [-1, 1]. */
  async encode(images: HostTensor | readonly HostTensor[], opts: ClipEncodeOptions = {}): Promise<ClipEncodeResult> {
    const list = Array.isArray(images) ? (images as readonly HostTensor[]) : [images as HostTensor];
    if (list.length === 0) throw new InputError('CLIP encode: no images');
    const s = this.config.imageSize;
    const px = new Float32Array(list.length * 3 * s * s);
    list.forEach((img, i) => {
      px.set(clipPreprocess(toFloat32(img), this.config).data, i * 3 * s * s);
    });
    const shape = { batch: list.length, taps: opts.taps ?? false };
    const res = await this.#program.run(
      `clip:${JSON.stringify(this.config)}:${shape.batch}:${shape.taps}`,
      (g) => buildClipVisionGraph(g, this.config, shape),
      { pixels: HostTensor.f32([list.length, 3, s, s], px) },
      this.#weights,
      opts.signal,
    );
    const taps: Record<string, HostTensor> = {};
    for (const [k, v] of Object.entries(res)) if (k.startsWith('inter.')) taps[k] = v;
    return { features: res.features as HostTensor<'float32'>, taps };
  }
}
