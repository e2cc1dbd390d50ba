// The public shapes of a generation request, its progress events and its result.

export type SamplerName = 'unipc' | 'dpm++' | 'euler';

/** What to generate. Unset fields take the model's official defaults. */
export interface GenerateRequest {
  readonly prompt: string;
  /** Default: the official negative prompt (with the I2V prefix for Wan2.1 I2V). */
  readonly negativePrompt?: string;
  /** First frame for image-to-video (I2V models, or TI2V-5B): an image file path or decoded pixels. */
  readonly image?: string | RgbImage;
  /** Output size in pixels. For I2V it is the target area (the image's aspect ratio is kept, as upstream). */
  readonly width?: number;
  readonly height?: number;
  /** 4n + 1. */
  readonly frames?: number;
  readonly steps?: number;
  readonly shift?: number;
  /** One scale, or per expert for A14B. 1 disables classifier-free guidance. */
  readonly guideScale?: number | { readonly low: number; readonly high: number };
  /** Non-negative integer; default 0. The same seed gives the same noise everywhere. */
  readonly seed?: number;
  readonly sampler?: SamplerName;
  /** A14B expert switch (fraction of 1000 timesteps). */
  readonly boundary?: number;
  /**
   * TI2V text-to-video in two passes: sample the clip, keep its first latent frame, and sample
   * again from the same noise as image-to-video from that frame (twice the denoising work).
   * Default: the model folder's setting, else false (the official single pass).
   */
  readonly firstFrameFirst?: boolean;
}

/** 8-bit RGB pixels, row-major, 3 bytes per pixel. */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

export type Phase =
  | 'loading'
  | 'text-encoding'
  | 'image-encoding'
  | 'denoising'
  | 'decoding'
  | 'encoding-video'
  | 'done';

export interface ProgressEvent {
  readonly phase: Phase;
  /** Steps done / total within the phase (denoising: sampler steps; decoding: latent frames). */
  readonly step?: number;
  readonly total?: number;
  /** Seconds since generate() started, and the estimated seconds left (denoising and decoding). */
  readonly elapsedS: number;
  readonly etaS?: number;
  readonly detail?: string;
}

/** Every setting the video was made with, after defaults: stored next to the output. */
export interface ResolvedSettings {
  readonly task: 't2v' | 'i2v' | 'ti2v-t2v' | 'ti2v-i2v';
  readonly model: string;
  readonly prompt: string;
  readonly negativePrompt: string;
  readonly image?: string;
  readonly width: number;
  readonly height: number;
  readonly frames: number;
  readonly fps: number;
  readonly steps: number;
  readonly shift: number;
  readonly guideScale: { readonly low: number; readonly high: number };
  readonly seed: number;
  readonly sampler: SamplerName;
  readonly boundary?: number;
  /** Whether text-to-video ran in two passes (see GenerateRequest.firstFrameFirst). */
  readonly firstFrameFirst: boolean;
  readonly noise: string;
}

export interface GenerateResult {
  /** [3, F, H, W] in [-1, 1]. */
  readonly video: Float32Array;
  readonly shape: readonly [3, number, number, number];
  readonly fps: number;
  readonly settings: ResolvedSettings;
  /** Milliseconds per phase. */
  readonly timings: Readonly<Partial<Record<Phase, number>>>;
}
