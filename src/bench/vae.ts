// VAE encode/decode benchmark at the real widths with random weights.
import { readFileSync, writeFileSync } from 'node:fs';
import { InputError } from '../engine/errors.js';
import { HostTensor } from '../engine/host-tensor.js';
import type { Device, Runtime } from '../engine/runtime/runtime.js';
import {
  spatialCompression,
  temporalUpsampling,
  type VaeVersion,
  WAN21_VAE,
  WAN22_VAE,
  type WanVaeConfig,
} from '../models/wan/vae/config.js';
import { vaeFlops } from '../models/wan/vae/flops.js';
import { WanVae } from '../models/wan/vae/model.js';
import type { VaeTile } from '../models/wan/vae/tiling.js';
import { NormalStream, randomWeights } from './random-weights.js';

export interface VaeBenchOptions {
  readonly version: VaeVersion;
  /** Video frames, 1 + 4k. */
  readonly frames: number;
  readonly height: number;
  readonly width: number;
  readonly tile?: VaeTile;
  readonly threads?: number;
  readonly device: Device;
  readonly skipEncode?: boolean;
  readonly skipDecode?: boolean;
  /**
   * Compile the chunk graphs first with a 5-frame clip at the same size (not timed), so the
   * timings are steady-state like the official benchmark's warm-up run (default true).
   */
  readonly warmup?: boolean;
  /** Overrides the preset (e.g. a smaller dim for quick checks). */
  readonly config?: WanVaeConfig;
  /** 'auto' (default): NCHWc blocks on the CPU when available; 'plain': standard ONNX Conv. */
  readonly layout?: 'auto' | 'plain';
  readonly signal?: AbortSignal;
}

export interface VaeBenchResult {
  readonly impl: 'wanjs';
  readonly what: 'vae';
  readonly version: VaeVersion;
  readonly frames: number;
  readonly height: number;
  readonly width: number;
  readonly latent: readonly number[];
  readonly tile: VaeTile | null;
  readonly params: number;
  readonly msEncode: number | null;
  readonly msDecode: number | null;
  /** CPU time of the process (user + system, all threads) per phase: robust to other load on the machine. */
  readonly cpuMsEncode: number | null;
  readonly cpuMsDecode: number | null;
  /** Convolution, matrix-product and attention FLOPs of the whole encode / decode (untiled). */
  readonly gflopEncode: number;
  readonly gflopDecode: number;
  readonly gflopPerSecondEncode: number | null;
  readonly gflopPerSecondDecode: number | null;
  readonly msWarmup: number;
  readonly msBuild: number;
  /** Kernel high-water mark (VmHWM) of the whole process: weights + sessions + activations. */
  readonly peakRssMb: number;
  /** VmHWM over each phase alone (reset before it through /proc/self/clear_refs), when available. */
  readonly peakRssMbEncode: number | null;
  readonly peakRssMbDecode: number | null;
  /** RSS right after the weights were made, before any session. */
  readonly rssAfterBuildMb: number;
  /** Largest process.memoryUsage().rss seen by a 20 ms sampler (a lower bound of VmHWM). */
  readonly sampledPeakRssMb: number;
  readonly peakRssSource: 'VmHWM' | 'sampled';
  readonly device: Device;
  readonly threads: number | 'default';
  /** The activation layout used: 'plain' or 'nchwc16' / 'nchwc8'. */
  readonly layout: string;
  readonly outputFinite: boolean;
}

/** The preset of a VAE version. */
export function vaePreset(v: VaeVersion): WanVaeConfig {
  return v === '2.2' ? WAN22_VAE : WAN21_VAE;
}

const MB = 1024 * 1024;

function vmHwmMb(): number | null {
  try {
    const m = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Resets VmHWM to the current RSS (Linux >= 4.0); false when unsupported. */
function resetPeak(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

export async function benchVae(runtime: Runtime, o: VaeBenchOptions): Promise<VaeBenchResult> {
  const c = o.config ?? vaePreset(o.version);
  const s = spatialCompression(c);
  if (o.frames < 1 || (o.frames - 1) % 4 !== 0) throw new InputError(`--frames must be 1 + 4k, got ${o.frames}`);
  if (o.height % s !== 0 || o.width % s !== 0 || o.height <= 0 || o.width <= 0)
    throw new InputError(
      `--height/--width must be positive multiples of ${s} for the ${c.version} VAE, got ${o.height}x${o.width}`,
    );
  const t0 = performance.now();
  const weights = randomWeights(WanVae.declaredParams(c), 1);
  let params = 0;
  for (const w of weights.values()) params += w.size;
  const msBuild = performance.now() - t0;
  const rssAfterBuildMb = process.memoryUsage().rss / MB;

  let sampled = 0;
  const sample = (): void => {
    sampled = Math.max(sampled, process.memoryUsage().rss / MB);
  };
  const timer = setInterval(sample, 20);
  const rng = new NormalStream(2);
  const latFrames = 1 + (o.frames - 1) / temporalUpsampling(c);
  const latent = [c.zDim, latFrames, o.height / s, o.width / s];
  const video = (f: number): HostTensor =>
    HostTensor.f32(
      [3, f, o.height, o.width],
      Float32Array.from({ length: 3 * f * o.height * o.width }, () => 2 * rng.uniform() - 1),
    );
  const normal = (t: number): HostTensor =>
    HostTensor.f32(
      [c.zDim, t, latent[2], latent[3]],
      Float32Array.from({ length: c.zDim * t * latent[2] * latent[3] }, () => rng.normal()),
    );
  const vae = await WanVae.create(runtime, c, weights, { device: o.device, threads: o.threads, layout: o.layout });
  try {
    const opts = { tile: o.tile, signal: o.signal };
    let msWarmup = 0;
    if (o.warmup !== false) {
      const w0 = performance.now();
      if (!o.skipEncode) await vae.encode(video(5), opts);
      if (!o.skipDecode) await vae.decode(normal(2), opts);
      msWarmup = performance.now() - w0;
    }
    let msEncode: number | null = null;
    let msDecode: number | null = null;
    let peakEnc: number | null = null;
    let peakDec: number | null = null;
    let finite = true;
    let cpuEnc: number | null = null;
    let cpuDec: number | null = null;
    let overall = 0;
    const peakSoFar = (): void => {
      overall = Math.max(overall, vmHwmMb() ?? 0);
    };
    if (!o.skipEncode) {
      const v = video(o.frames);
      peakSoFar();
      const canReset = resetPeak();
      const e0 = performance.now();
      const c0 = process.cpuUsage();
      const lat = await vae.encode(v, opts);
      msEncode = performance.now() - e0;
      cpuEnc = cpuMs(process.cpuUsage(c0));
      peakEnc = canReset ? vmHwmMb() : null;
      finite &&= lat.data.every(Number.isFinite);
    }
    if (!o.skipDecode) {
      const z = normal(latFrames);
      peakSoFar();
      const canReset = resetPeak();
      const d0 = performance.now();
      const c0 = process.cpuUsage();
      // Frames are consumed as they come (a writer would encode them), as a streaming caller would.
      for await (const chunk of vae.decodeChunks(z, opts)) finite &&= chunk.frames.data.every(Number.isFinite);
      msDecode = performance.now() - d0;
      cpuDec = cpuMs(process.cpuUsage(c0));
      peakDec = canReset ? vmHwmMb() : null;
    }
    sample();
    peakSoFar();
    const hwm = vmHwmMb();
    const flopsEnc = vaeFlops(c, 'encode', o.frames, o.height, o.width);
    const flopsDec = vaeFlops(c, 'decode', o.frames, o.height, o.width);
    return {
      impl: 'wanjs',
      what: 'vae',
      version: c.version,
      frames: o.frames,
      height: o.height,
      width: o.width,
      latent,
      tile: o.tile ?? null,
      params,
      msEncode: round(msEncode),
      msDecode: round(msDecode),
      cpuMsEncode: round(cpuEnc),
      cpuMsDecode: round(cpuDec),
      gflopEncode: round(flopsEnc / 1e9) ?? 0,
      gflopDecode: round(flopsDec / 1e9) ?? 0,
      gflopPerSecondEncode: msEncode === null ? null : round(flopsEnc / 1e6 / msEncode),
      gflopPerSecondDecode: msDecode === null ? null : round(flopsDec / 1e6 / msDecode),
      msWarmup: round(msWarmup) ?? 0,
      msBuild: round(msBuild) ?? 0,
      peakRssMb: round(Math.max(overall, sampled)) ?? 0,
      peakRssMbEncode: round(peakEnc),
      peakRssMbDecode: round(peakDec),
      rssAfterBuildMb: round(rssAfterBuildMb) ?? 0,
      sampledPeakRssMb: round(sampled) ?? 0,
      peakRssSource: hwm === null ? 'sampled' : 'VmHWM',
      device: o.device,
      threads: o.threads ?? 'default',
      layout: vae.layout.kind === 'plain' ? 'plain' : `nchwc${vae.layout.block}`,
      outputFinite: finite,
    };
  } finally {
    clearInterval(timer);
    await vae.dispose();
  }
}

function cpuMs(u: NodeJS.CpuUsage): number {
  return (u.user + u.system) / 1000;
}

function round(v: number | null): number | null {
  return v === null ? null : Math.round(v * 10) / 10;
}
