// End-to-end generation benchmark with random weights at real widths: per-phase
// times and peak RSS. Components are created when the pipeline asks for them and
// dropped after, exactly like a model folder under the 'sequential' policy.
import { f32ToBf16 } from '../engine/dtype.js';
import { HostTensor } from '../engine/host-tensor.js';
import type { Device, Runtime } from '../engine/runtime/runtime.js';
import { CLIP_VIT_H_14 } from '../models/wan/clip/config.js';
import { ClipVisionEncoder } from '../models/wan/clip/model.js';
import type { WanDitConfig } from '../models/wan/dit/config.js';
import { WanDiT } from '../models/wan/dit/model.js';
import { UMT5_XXL, type Umt5Config } from '../models/wan/umt5/config.js';
import { Umt5Encoder } from '../models/wan/umt5/model.js';
import { WAN21_VAE, WAN22_VAE } from '../models/wan/vae/config.js';
import { WanVae } from '../models/wan/vae/model.js';
import { samplingDefaults } from '../pipelines/defaults.js';
import type { Phase } from '../pipelines/types.js';
import { type PipelineComponents, WanPipeline } from '../pipelines/wan-pipeline.js';
import { Umt5PromptTokenizer, UnigramTokenizer } from '../tokenizers/index.js';
import {
  DEFAULT_NORMALIZER_SPEC,
  DEFAULT_TRAINER_SPEC,
  PieceType,
  type SentencePieceModel,
} from '../tokenizers/sentencepiece-model.js';
import { peakRssMb } from './memory.js';
import { randomWeights } from './random-weights.js';

export interface GenerateBenchOptions {
  readonly config: WanDitConfig;
  readonly experts: boolean;
  readonly width: number;
  readonly height: number;
  readonly frames: number;
  readonly steps: number;
  /** UMT5 blocks to run (24 = the real encoder). */
  readonly textLayers: number;
  readonly threads?: number;
  readonly device: Device;
}

export interface GenerateBenchResult {
  readonly what: 'generate';
  readonly msPerPhase: Readonly<Partial<Record<Phase, number>>>;
  readonly msTotal: number;
  readonly peakRssMb: number;
  readonly latent: readonly number[];
  readonly steps: number;
  readonly device: Device;
  readonly threads: number | 'default';
}

function toBf16(w: Map<string, HostTensor>): Map<string, HostTensor> {
  const out = new Map<string, HostTensor>();
  for (const [k, t] of w) {
    const src = t.data as Float32Array;
    const words = new Uint16Array(src.length);
    for (let i = 0; i < src.length; i++) words[i] = f32ToBf16(src[i]);
    out.set(k, new HostTensor('bfloat16', t.shape, words));
  }
  return out;
}

/** A stand-in tokenizer: byte-level pieces, enough to produce realistic id sequences. */
function byteTokenizer(): Umt5PromptTokenizer {
  const bytes = Array.from({ length: 256 }, (_, i) => `<0x${i.toString(16).toUpperCase().padStart(2, '0')}>`);
  const model: SentencePieceModel = {
    pieces: [
      { piece: '<pad>', score: 0, type: PieceType.CONTROL },
      { piece: '</s>', score: 0, type: PieceType.CONTROL },
      { piece: '<unk>', score: 0, type: PieceType.UNKNOWN },
      ...bytes.map((piece) => ({ piece, score: 0, type: PieceType.BYTE })),
    ],
    trainerSpec: { ...DEFAULT_TRAINER_SPEC, byteFallback: true, unkId: 2, eosId: 1, padId: 0, bosId: -1 },
    normalizerSpec: DEFAULT_NORMALIZER_SPEC,
  };
  return new Umt5PromptTokenizer(new UnigramTokenizer(model), { maxLength: 512 });
}

export async function benchGenerate(runtime: Runtime, o: GenerateBenchOptions): Promise<GenerateBenchResult> {
  const c = o.config;
  const umt5: Umt5Config = { ...UMT5_XXL, numLayers: o.textLayers };
  const vaeCfg = c.outDim === 48 ? WAN22_VAE : WAN21_VAE;
  const defaults = { ...samplingDefaults(c, o.experts), fps: 16 };
  const components: PipelineComponents = {
    name: `random ${c.dim}x${c.numLayers}`,
    ditConfig: c,
    defaults,
    experts: o.experts,
    textEncoderId: 'random-umt5',
    tokenizer: async () => byteTokenizer(),
    textEncoder: async (program) =>
      new Umt5Encoder(umt5, toBf16(randomWeights(Umt5Encoder.declaredParams(umt5), 3)), program),
    vae: async (program) => new WanVae(vaeCfg, randomWeights(WanVae.declaredParams(vaeCfg), 4), program),
    dit: async (which, program) =>
      new WanDiT(c, randomWeights(WanDiT.declaredParams(c), which === 'high' ? 5 : 6), program),
    imageEncoder: async (program) =>
      new ClipVisionEncoder(CLIP_VIT_H_14, randomWeights(ClipVisionEncoder.declaredParams(CLIP_VIT_H_14), 7), program),
  };
  const pipe = new WanPipeline(components, { runtime, device: o.device, threads: o.threads });
  try {
    const t = performance.now();
    const res = await pipe.generate({
      prompt: 'a red fox running through fresh snow, cinematic lighting',
      width: o.width,
      height: o.height,
      frames: o.frames,
      steps: o.steps,
      seed: 1,
    });
    const msTotal = performance.now() - t;
    const round = (v: number) => Math.round(v);
    return {
      what: 'generate',
      msPerPhase: Object.fromEntries(Object.entries(res.timings).map(([k, v]) => [k, round(v ?? 0)])),
      msTotal: round(msTotal),
      peakRssMb: round(peakRssMb()),
      latent: [
        c.outDim,
        (o.frames - 1) / 4 + 1,
        res.shape[2] / defaults.vaeStride[1],
        res.shape[3] / defaults.vaeStride[2],
      ],
      steps: o.steps,
      device: o.device,
      threads: o.threads ?? 'default',
    };
  } finally {
    await pipe.dispose();
  }
}
