// WanPipeline: prompt (and optionally a first frame) in, video tensor out, the
// way the official generate loops do it, with components loaded one after the
// other so peak memory is the largest component rather than their sum.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CancelledError, InputError, throwIfAborted } from '../engine/errors.js';
import { HostTensor } from '../engine/host-tensor.js';
import { Program } from '../engine/program.js';
import type { Device, Runtime } from '../engine/runtime/runtime.js';
import { openCheckpoint } from '../engine/weights/index.js';
import { type RgbFrame, readImage, readImageRgb, rgbToPlanar } from '../media/index.js';
import type { ClipVisionEncoder } from '../models/wan/clip/model.js';
import type { WanDitConfig } from '../models/wan/dit/config.js';
import { detectDitConfig, loadDit } from '../models/wan/dit/load.js';
import { WanDiT } from '../models/wan/dit/model.js';
import { findModelFolder, isExperts, type ModelFolder, type WeightsLocation } from '../models/wan/folder.js';
import { PromptEmbeddingCache } from '../models/wan/prompt-cache.js';
import type { Umt5Encoder } from '../models/wan/umt5/model.js';
import type { WanVae } from '../models/wan/vae/model.js';
import { createScheduler } from '../schedulers/index.js';
import { loadTokenizer, Umt5PromptTokenizer } from '../tokenizers/index.js';
import { loadImageEncoder, loadTextEncoder, loadVae } from './components.js';
import { type SamplingDefaults, samplingDefaults } from './defaults.js';
import { type Denoiser, denoise, type ExpertName } from './denoise.js';
import { i2vConditionVideo, i2vLatentSize, i2vMask, ti2vFirstFrame } from './image-condition.js';
import { gaussianNoise } from './noise.js';
import { resolveSettings } from './resolve.js';
import type { GenerateRequest, GenerateResult, Phase, ProgressEvent, ResolvedSettings } from './types.js';

export interface PipelineOptions {
  readonly runtime: Runtime;
  /** Default 'cpu'. An unavailable device is an error, never a silent fallback. */
  readonly device?: Device;
  readonly threads?: number;
  /**
   * 'sequential' (default): load each component when needed and free it after, so
   * peak memory is the largest component. 'resident': keep everything loaded between runs.
   */
  readonly memory?: 'sequential' | 'resident';
  /** Shared prompt-embedding cache (servers and loops repeat prompts). */
  readonly promptCache?: PromptEmbeddingCache;
  /**
   * DiT arithmetic: 'float32' (default; at parity with the official code) or 'int8'
   * (opt-in, lossy: block linears as dynamically quantized int8 GEMMs, several times
   * faster on CPUs with VNNI/AMX; measured error in docs/performance.md).
   */
  readonly precision?: 'float32' | 'int8';
}

/**
 * Where the pipeline gets its models. Each loader is called when its component is
 * needed; what it returns is dropped after use under the 'sequential' policy.
 */
export interface PipelineComponents {
  readonly name: string;
  readonly ditConfig: WanDitConfig;
  readonly defaults: SamplingDefaults;
  readonly experts: boolean;
  /** Key for the prompt-embedding cache (same text encoder → same key). */
  readonly textEncoderId: string;
  tokenizer(): Promise<Umt5PromptTokenizer>;
  textEncoder(program: Program, signal?: AbortSignal): Promise<Umt5Encoder>;
  vae(program: Program, signal?: AbortSignal): Promise<WanVae>;
  dit(which: ExpertName, program: Program, signal?: AbortSignal): Promise<WanDiT>;
  imageEncoder?(program: Program, signal?: AbortSignal): Promise<ClipVisionEncoder>;
}

export interface GenerateOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (e: ProgressEvent) => void;
}

/** Sampling defaults a model folder may override in `wanjs.json` (used by the built-in model). */
interface FolderDefaults {
  readonly sampling?: Partial<Omit<SamplingDefaults, 'family' | 'vaeStride' | 'guideScale'>> & { guideScale?: number };
  readonly name?: string;
}

export class WanPipeline {
  readonly components: PipelineComponents;
  readonly ditConfig: WanDitConfig;
  readonly defaults: SamplingDefaults;
  readonly name: string;
  readonly #opts: PipelineOptions;
  readonly #program: Program;
  readonly #resident = new Map<string, unknown>();
  /** Milliseconds spent loading components during the current run, by the phase that needed them. */
  #loadMs: Partial<Record<Phase, number>> = {};
  #phase: Phase = 'loading';
  readonly #cache: PromptEmbeddingCache;

  constructor(components: PipelineComponents, opts: PipelineOptions) {
    this.components = components;
    this.ditConfig = components.ditConfig;
    this.defaults = components.defaults;
    this.name = components.name;
    this.#opts = opts;
    this.#program = new Program(opts.runtime, { device: opts.device ?? 'cpu', threads: opts.threads, maxSessions: 12 });
    this.#cache = opts.promptCache ?? new PromptEmbeddingCache({ maxEntries: 16 });
  }

  /**
   * Opens a model folder (official or diffusers layout). Reads configurations and
   * headers only; weights are read when a run needs them.
   * @example
   * const pipe = await WanPipeline.open('Wan2.1-T2V-1.3B', { runtime: new OrtNodeRuntime() });
   * const { video, fps } = await pipe.generate({ prompt: 'a red fox in the snow', frames: 17, seed: 1 });
   */
  static async open(dir: string, opts: PipelineOptions): Promise<WanPipeline> {
    const folder = findModelFolder(dir);
    const d = folder.dit;
    const loc = isExperts(d) ? d.low : d;
    const version = isExperts(d) || folder.vae.version === '2.2' ? '2.2' : undefined;
    const src = await openCheckpoint(loc.path);
    let config: WanDitConfig;
    try {
      config = detectDitConfig(src, loc, version);
    } finally {
      await src.close();
    }
    if (config.version === '2.1' && (config.modelType === 'i2v' || config.modelType === 'flf2v') && !folder.clip) {
      throw new InputError(
        `model folder '${dir}' holds a Wan2.1 image-to-video DiT but no CLIP image encoder (models_clip_open-clip-xlm-roberta-large-vit-huge-14.pth)`,
      );
    }
    let defaults = samplingDefaults(config, isExperts(d));
    if (folder.boundaryRatio !== undefined) defaults = { ...defaults, boundary: folder.boundaryRatio };
    let name: string = defaults.family;
    const extra = join(dir, 'wanjs.json');
    if (existsSync(extra)) {
      const fd = JSON.parse(readFileSync(extra, 'utf8')) as FolderDefaults;
      const s = fd.sampling ?? {};
      defaults = {
        ...defaults,
        ...s,
        guideScale: s.guideScale === undefined ? defaults.guideScale : { low: s.guideScale, high: s.guideScale },
      };
      name = fd.name ?? name;
    }
    return new WanPipeline(folderComponents(folder, config, defaults, name), opts);
  }

  /** 't2v', 'i2v' (needs an image) or 'ti2v' (either). */
  get task(): 't2v' | 'i2v' | 'ti2v' {
    const t = this.ditConfig.modelType;
    return t === 'ti2v' ? 'ti2v' : t === 't2v' ? 't2v' : 'i2v';
  }

  async generate(req: GenerateRequest, gopts: GenerateOptions = {}): Promise<GenerateResult> {
    const { signal } = gopts;
    const t0 = performance.now();
    this.#loadMs = {};
    const timings: Partial<Record<Phase, number>> = {};
    let phaseStart = t0;
    let phase: Phase = 'loading';
    const emit = (p: Phase, step?: number, total?: number, detail?: string): void => {
      const now = performance.now();
      if (p !== phase) {
        timings[phase] = (timings[phase] ?? 0) + (now - phaseStart);
        phase = p;
        this.#phase = p;
        phaseStart = now;
      }
      const elapsedS = (now - t0) / 1000;
      const etaS =
        step !== undefined && total && step > 0 ? ((now - phaseStart) / 1000 / step) * (total - step) : undefined;
      gopts.onProgress?.({ phase: p, step, total, elapsedS, etaS, detail });
    };

    const c = this.ditConfig;
    const multiple = this.defaults.vaeStride[1] * c.patchSize[1];
    const s = resolveSettings(req, this.defaults, multiple);
    if (this.task === 't2v' && req.image !== undefined) {
      throw new InputError(
        `model '${this.name}' is text-to-video and cannot take an image; use an I2V or TI2V-5B model`,
      );
    }
    if (this.task === 'i2v' && req.image === undefined) {
      throw new InputError(`model '${this.name}' is image-to-video: give a first frame (--image)`);
    }

    // 1. Text
    emit('text-encoding');
    const [context, contextNull] = await this.#encodePrompts([s.prompt, s.negativePrompt], signal);

    // 2. Image conditioning and the latent grid
    const [ts, hs, ws] = this.defaults.vaeStride;
    const latT = (s.frames - 1) / ts + 1;
    let latH = s.height / hs;
    let latW = s.width / ws;
    let width = s.width;
    let height = s.height;
    let y: Float32Array | undefined;
    let clipFea: HostTensor | undefined;
    let firstFrame: Float32Array | undefined;
    let imageName: string | undefined;
    if (req.image !== undefined) {
      emit('image-encoding');
      imageName = typeof req.image === 'string' ? req.image : `${req.image.width}x${req.image.height} pixels`;
      if (this.task === 'ti2v') {
        const rgb = typeof req.image === 'string' ? await readImageRgb(req.image) : (req.image as RgbFrame);
        const frame = ti2vFirstFrame(rgb, s.width * s.height);
        [height, width] = [frame.shape[2], frame.shape[3]];
        [latH, latW] = [height / hs, width / ws];
        const vae = await this.#vae(signal);
        firstFrame = (await vae.encode(frame, { signal })).data;
        await this.#release('vae');
      } else {
        const img = typeof req.image === 'string' ? await readImage(req.image) : rgbToPlanar(req.image as RgbFrame);
        if (img.width < 16 || img.height < 16)
          throw new InputError(`image ${imageName} is ${img.width}x${img.height}; at least 16x16 is needed`);
        [latH, latW] = i2vLatentSize(img.width, img.height, s.width * s.height, hs, c.patchSize[1]);
        if (latH < c.patchSize[1] || latW < c.patchSize[2])
          throw new InputError(`image ${imageName}: its aspect ratio is too extreme for a ${s.width}*${s.height} area`);
        [height, width] = [latH * hs, latW * ws];
        const vae = await this.#vae(signal);
        const cond = await vae.encode(i2vConditionVideo(img, s.frames, height, width), { signal });
        await this.#release('vae');
        y = new Float32Array(4 * latT * latH * latW + cond.size);
        y.set(i2vMask(latT, latH, latW), 0);
        y.set(cond.data, 4 * latT * latH * latW);
        if (c.version === '2.1') {
          if (!this.components.imageEncoder) throw new InputError(`model '${this.name}' has no CLIP image encoder`);
          const clip = await this.components.imageEncoder(this.#program, signal);
          const f = await clip.encode(HostTensor.f32([3, img.height, img.width], img.data), { signal });
          clipFea = f.features.reshape(f.features.shape.slice(1));
        }
      }
    }

    // 3. Noise (portable Philox; see noise.ts) and the first-frame mix for TI2V
    const shape: [number, number, number, number] = [c.outDim, latT, latH, latW];
    const initial = gaussianNoise(
      s.seed,
      shape.reduce((a, b) => a * b, 1),
    );

    // 4. Denoising, one expert resident at a time
    const twoPass = s.firstFrameFirst && this.task === 'ti2v' && !firstFrame;
    const passes = twoPass ? 2 : 1;
    const run = async (pass: number, anchor: Float32Array | undefined): Promise<Float32Array> => {
      const scheduler = createScheduler(s.sampler, { steps: s.steps, shift: s.shift });
      const start = initial.slice();
      if (anchor) {
        const frame = latH * latW;
        for (let ch = 0; ch < c.outDim; ch++)
          start.set(anchor.subarray(ch * frame, (ch + 1) * frame), ch * latT * frame);
      }
      return denoise({
        shape,
        initial: start,
        scheduler,
        expert: (which) => this.#expert(which, signal),
        boundary: s.boundary,
        guideScale: s.guideScale,
        cond: { context, clipFea },
        uncond: { context: contextNull, clipFea },
        y,
        yChannels: y ? 4 + c.outDim : undefined,
        firstFrame: anchor,
        perToken: c.version === '2.2' ? { patch: c.patchSize } : undefined,
        int8: this.#opts.precision === 'int8',
        signal,
        onStep: (st) =>
          emit(
            'denoising',
            pass * st.total + st.index + 1,
            passes * st.total,
            `t=${st.timestep}${this.components.experts ? ` expert=${st.expert}` : ''}${passes > 1 ? ` pass=${pass + 1}/${passes}` : ''}`,
          ),
      });
    };
    emit('denoising', 0, passes * s.steps);
    let latent = await run(0, firstFrame);
    if (twoPass) {
      // The first pass's first latent frame becomes the image of an image-to-video pass from the same noise.
      const frame = latH * latW;
      const anchor = new Float32Array(c.outDim * frame);
      for (let ch = 0; ch < c.outDim; ch++)
        anchor.set(latent.subarray(ch * latT * frame, ch * latT * frame + frame), ch * frame);
      latent = await run(1, anchor);
    }
    await this.#release('dit-high');
    await this.#release('dit-low');

    // 5. Decode, chunk by chunk
    emit('decoding', 0, latT);
    const vae = await this.#vae(signal);
    const video = await vae.decode(HostTensor.f32(shape, latent), {
      signal,
      onProgress: (done, total) => emit('decoding', done, total),
    });
    await this.#release('vae');
    throwIfAborted(signal);
    emit('done');
    // Component loading happened inside the phases that needed it: report it on its own.
    let loading = 0;
    for (const [p, ms] of Object.entries(this.#loadMs) as [Phase, number][]) {
      timings[p] = (timings[p] ?? 0) - ms;
      loading += ms;
    }
    timings.loading = loading;

    const settings: ResolvedSettings = {
      task: this.task === 'ti2v' ? (firstFrame ? 'ti2v-i2v' : 'ti2v-t2v') : this.task,
      model: this.name,
      prompt: s.prompt,
      negativePrompt: s.negativePrompt,
      image: imageName,
      width,
      height,
      frames: s.frames,
      fps: this.defaults.fps,
      steps: s.steps,
      shift: s.shift,
      guideScale: s.guideScale,
      seed: s.seed,
      sampler: s.sampler,
      boundary: s.boundary,
      firstFrameFirst: twoPass,
      noise: 'philox4x32-10 + box-muller, float32',
    };
    return { video: video.data, shape: [3, s.frames, height, width], fps: this.defaults.fps, settings, timings };
  }

  async #encodePrompts(texts: readonly string[], signal?: AbortSignal): Promise<HostTensor[]> {
    const key = (t: string) => ({ model: this.components.textEncoderId, text: t });
    const missing = texts.filter((t) => !this.#cache.get(key(t)));
    if (missing.length) {
      const tok = await this.components.tokenizer();
      const enc = await this.#loadResident('text-encoder', () => this.components.textEncoder(this.#program, signal));
      for (const t of missing) {
        const e = tok.encode(t);
        const ids = new HostTensor('int32', [1, e.ids.length], e.ids);
        const mask = new HostTensor('int32', [1, e.mask.length], e.mask);
        const r = await enc.encode(ids, mask, { trimPadding: true, signal });
        this.#cache.set(key(t), r.contexts[0]);
      }
      await this.#release('text-encoder');
    }
    return texts.map((t) => {
      const v = this.#cache.get(key(t));
      if (!v) throw new CancelledError('prompt embedding was evicted before use');
      return v;
    });
  }

  async #vae(signal?: AbortSignal): Promise<WanVae> {
    return this.#loadResident('vae', () => this.components.vae(this.#program, signal));
  }

  async #expert(which: ExpertName, signal?: AbortSignal): Promise<Denoiser> {
    if (!this.components.experts)
      return this.#loadResident('dit-low', () => this.components.dit('low', this.#program, signal));
    // Only one expert resident at a time: free the other before loading this one.
    await this.#release(which === 'high' ? 'dit-low' : 'dit-high', true);
    return this.#loadResident(`dit-${which}`, () => this.components.dit(which, this.#program, signal));
  }

  async #loadResident<T>(key: string, load: () => Promise<T>): Promise<T> {
    const have = this.#resident.get(key) as T | undefined;
    if (have) return have;
    const t = performance.now();
    const v = await load();
    this.#loadMs[this.#phase] = (this.#loadMs[this.#phase] ?? 0) + performance.now() - t;
    this.#resident.set(key, v);
    return v;
  }

  /** Drops a component (sequential memory policy), or always when `force`. */
  async #release(key: string, force = false): Promise<void> {
    if (!force && this.#opts.memory === 'resident') return;
    this.#resident.delete(key);
  }

  async dispose(): Promise<void> {
    this.#resident.clear();
    await this.#program.dispose();
  }
}

/** Components read from a model folder on disk. */
export function folderComponents(
  folder: ModelFolder,
  config: WanDitConfig,
  defaults: SamplingDefaults,
  name: string,
): PipelineComponents {
  const d = folder.dit;
  const clip = folder.clip;
  return {
    name,
    ditConfig: config,
    defaults,
    experts: isExperts(d),
    textEncoderId: `${folder.root}:${folder.textEncoder.path}`,
    tokenizer: async () => new Umt5PromptTokenizer(await loadTokenizer(folder.tokenizer), { maxLength: 512 }),
    textEncoder: (program, signal) => loadTextEncoder(folder.textEncoder, program, signal),
    vae: (program, signal) => loadVae(folder.vae, folder.vae.version, program, signal),
    dit: async (which, program, signal) => {
      const loc: WeightsLocation = isExperts(d) ? (which === 'high' ? d.high : d.low) : d;
      const { config: c, weights } = await loadDit(loc, { version: config.version, signal });
      return new WanDiT(c, weights, program);
    },
    imageEncoder: clip ? (program, signal) => loadImageEncoder(clip, program, signal) : undefined,
  };
}
