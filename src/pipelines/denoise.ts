// The sampling loop shared by every task: classifier-free guidance, the A14B
// expert switch, and the TI2V first-frame conditioning, around one scheduler run.
import { CancelledError } from '../engine/errors.js';
import { HostTensor } from '../engine/host-tensor.js';
import type { FlowScheduler } from '../schedulers/index.js';

/** What the DiT needs besides the latent for one guidance branch. */
export interface Conditioning {
  /** Text context [S, text_dim] (prompt or negative prompt embedding). */
  readonly context: HostTensor;
  /** CLIP features [N, 1280] (Wan2.1 I2V). */
  readonly clipFea?: HostTensor;
}

/** A loaded DiT as the loop sees it (WanDiT satisfies this). */
export interface Denoiser {
  forward(
    samples: readonly { x: HostTensor; context: HostTensor; clipFea?: HostTensor; t: number | ArrayLike<number> }[],
    opts?: { seqLen?: number; signal?: AbortSignal; int8?: boolean },
  ): Promise<{ outputs: HostTensor[] }>;
}

export type ExpertName = 'high' | 'low';

export interface DenoiseStep {
  readonly index: number;
  readonly total: number;
  readonly timestep: number;
  readonly expert: ExpertName;
  readonly guideScale: number;
  readonly latent: Float32Array;
}

export interface DenoiseOptions {
  /** [C, T, H, W] of the latent being denoised. */
  readonly shape: readonly [number, number, number, number];
  /** Initial latent (noise, or the TI2V mix with the image latent). Not modified. */
  readonly initial: Float32Array;
  readonly scheduler: FlowScheduler;
  /**
   * Returns the DiT for an expert. Single-expert models return the same one for both;
   * A14B loaders may free the other expert first so only one is resident.
   */
  readonly expert: (name: ExpertName) => Promise<Denoiser>;
  /** Integer timesteps >= boundary·1000 use the high-noise expert; undefined: always 'low'. */
  readonly boundary?: number;
  /** Guidance per expert; 1 skips the unconditional pass. */
  readonly guideScale: Readonly<Record<ExpertName, number>>;
  readonly cond: Conditioning;
  readonly uncond: Conditioning;
  /** I2V condition y [C_y, T, H, W] concatenated to the latent's channels every step. */
  readonly y?: Float32Array;
  readonly yChannels?: number;
  /** TI2V image-to-video: the first latent frame is held at this image latent [C, 1, H, W]. */
  readonly firstFrame?: Float32Array;
  /** Per-token timesteps (Wan2.2 TI2V); patch stride in h and w. */
  readonly perToken?: { readonly patch: readonly [number, number, number] };
  /** Opt-in lossy int8 DiT linears (CPU speed; see docs/performance.md). */
  readonly int8?: boolean;
  readonly signal?: AbortSignal;
  readonly onStep?: (s: DenoiseStep) => void;
}

/** Runs the whole loop and returns the final latent. */
export async function denoise(o: DenoiseOptions): Promise<Float32Array> {
  const [c, t, h, w] = o.shape;
  const frame = h * w;
  let latent = Float32Array.from(o.initial);
  const timesteps = o.scheduler.timesteps;
  for (let i = 0; i < timesteps.length; i++) {
    if (o.signal?.aborted) throw new CancelledError();
    const ts = timesteps[i];
    const which: ExpertName = o.boundary !== undefined && ts >= o.boundary * 1000 ? 'high' : 'low';
    const model = await o.expert(which);
    const g = o.guideScale[which];
    const x = o.y
      ? concatChannels(latent, o.y, [c, t, h, w], o.yChannels ?? o.y.length / (t * frame))
      : HostTensor.f32([c, t, h, w], latent);
    const tIn = o.perToken ? perTokenTimesteps(ts, [t, h, w], o.perToken.patch, o.firstFrame !== undefined) : ts;
    const run = async (cond: Conditioning): Promise<Float32Array> => {
      const r = await model.forward([{ x, context: cond.context, clipFea: cond.clipFea, t: tIn }], {
        signal: o.signal,
        ...(o.int8 ? { int8: true } : {}),
      });
      return r.outputs[0].data as Float32Array;
    };
    const vc = await run(o.cond);
    let pred = vc;
    if (g !== 1) {
      const vu = await run(o.uncond);
      pred = new Float32Array(vc.length);
      // float32 like upstream: uncond + g · (cond − uncond)
      for (let k = 0; k < pred.length; k++) pred[k] = Math.fround(vu[k] + Math.fround(g * Math.fround(vc[k] - vu[k])));
    }
    latent = o.scheduler.step(pred, latent) as Float32Array<ArrayBuffer>;
    if (o.firstFrame) {
      // (1 − mask)·z + mask·latent with mask 0 on latent frame 0: frame 0 is reset to z exactly.
      for (let ch = 0; ch < c; ch++) latent.set(o.firstFrame.subarray(ch * frame, (ch + 1) * frame), ch * t * frame);
    }
    o.onStep?.({ index: i, total: timesteps.length, timestep: ts, expert: which, guideScale: g, latent });
  }
  return latent;
}

/**
 * TI2V per-token timesteps: channel 0 of the mask subsampled by the patch stride,
 * times t (0 on first-frame tokens when an image conditions frame 0), flattened.
 */
export function perTokenTimesteps(
  t: number,
  grid: readonly [number, number, number],
  patch: readonly [number, number, number],
  firstFrameFixed: boolean,
): Float32Array {
  const [f, h, w] = [Math.floor(grid[0] / patch[0]), Math.ceil(grid[1] / patch[1]), Math.ceil(grid[2] / patch[2])];
  const out = new Float32Array(f * h * w).fill(Math.fround(t));
  if (firstFrameFixed) out.fill(0, 0, h * w);
  return out;
}

function concatChannels(latent: Float32Array, y: Float32Array, shape: readonly number[], yc: number): HostTensor {
  const [c, t, h, w] = shape;
  const out = new Float32Array(latent.length + y.length);
  out.set(latent, 0);
  out.set(y, latent.length);
  return HostTensor.f32([c + yc, t, h, w], out);
}
