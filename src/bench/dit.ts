// DiT forward benchmark at real widths with random weights.
import { readFileSync } from 'node:fs';
import { InputError } from '../engine/errors.js';
import { HostTensor } from '../engine/host-tensor.js';
import { Program } from '../engine/program.js';
import type { Device, Runtime } from '../engine/runtime/runtime.js';
import type { WanDitConfig } from '../models/wan/dit/config.js';
import { tokenGrid } from '../models/wan/dit/graph.js';
import { WanDiT } from '../models/wan/dit/model.js';
import { peakRssMb } from './memory.js';
import { NormalStream, randomWeights } from './random-weights.js';

export interface DitBenchOptions {
  readonly config: WanDitConfig;
  readonly frames: number;
  readonly height: number;
  readonly width: number;
  readonly textLen: number;
  readonly threads?: number;
  readonly device: Device;
  readonly warmup: number;
  readonly repeat: number;
  /** Fused ONNX Runtime kernels (default true, float32-faithful); false: the primitive graph. */
  readonly fused?: boolean;
  /** Opt-in lossy int8 block linears (see WanDiT.forward). */
  readonly int8?: boolean;
}

/** How far the int8 output is from the float32 one, on the benchmark's own input. */
export interface Int8Error {
  /** ‖int8 − fp32‖₂ / ‖fp32‖₂ over the whole output. */
  readonly relL2: number;
  /** max |int8 − fp32| / max |fp32|. */
  readonly relMax: number;
}

export interface DitBenchResult {
  readonly what: 'dit';
  readonly latent: readonly number[];
  readonly tokens: number;
  readonly params: number;
  readonly gflop: number;
  readonly msPerForward: number;
  readonly msAll: readonly number[];
  /**
   * Process CPU time of each timed forward (all threads). At one thread it tracks
   * the work done even on a loaded machine; with more, idle spinning adds to it.
   */
  readonly msCpuAll: readonly number[];
  readonly msWarmup: readonly number[];
  readonly msBuild: number;
  readonly gflopPerSecond: number;
  readonly peakRssMb: number;
  readonly device: Device;
  readonly threads: number | 'default';
  readonly fused: boolean;
  readonly int8: boolean;
  /** With int8: its error against a float32 forward of the same input (not timed). */
  readonly int8Error: Int8Error | null;
  /**
   * Average number of cores other processes kept busy during the timed runs
   * (Linux /proc/stat minus this process); null where unavailable. Figures taken
   * with this well above 0 are contaminated by other load.
   */
  readonly otherCpuCores: number | null;
}

/** The latent grid the pipelines derive from pixel sizes (VAE stride 4×8×8, or 4×16×16 for 48-channel latents). */
export function latentGrid(c: WanDitConfig, frames: number, height: number, width: number): [number, number, number] {
  const s = c.outDim === 48 ? 16 : 8;
  if ((frames - 1) % 4 !== 0 || frames < 1) throw new InputError(`--frames must be 4n+1, got ${frames}`);
  const need = s * c.patchSize[1];
  if (height % need !== 0 || width % need !== 0)
    throw new InputError(`--height/--width must be multiples of ${need}, got ${height}x${width}`);
  return [(frames - 1) / 4 + 1, height / s, width / s];
}

/** Multiply-add FLOPs of one forward (2 per MAC): linears, attention scores and values, convs. */
export function ditFlops(c: WanDitConfig, tokens: number, clipTokens: number): number {
  const d = c.dim;
  const ctx = c.textLen + clipTokens;
  const perBlock =
    2 * tokens * d * d * 4 + // self q,k,v,o
    2 * 2 * tokens * tokens * d + // scores + values
    2 * tokens * d * d * 2 + // cross q,o
    2 * ctx * d * d * 2 * (clipTokens ? 2 : 1) + // cross k,v (text and image)
    2 * 2 * tokens * ctx * d + // cross attention
    2 * 2 * tokens * d * c.ffnDim; // ffn
  const embed = 2 * tokens * c.inDim * 4 * d + 2 * c.textLen * (c.textDim * d + d * d) + 2 * tokens * d * 4 * c.outDim;
  return perBlock * c.numLayers + embed;
}

export async function benchDit(runtime: Runtime, o: DitBenchOptions): Promise<DitBenchResult> {
  const c = o.config;
  const grid = latentGrid(c, o.frames, o.height, o.width);
  const tg = tokenGrid(c, grid);
  const tokens = tg[0] * tg[1] * tg[2];
  const declared = WanDiT.declaredParams(c);
  const t0 = performance.now();
  const weights = randomWeights(declared, 1);
  let params = 0;
  for (const w of weights.values()) params += w.size;
  const rng = new NormalStream(2);
  const x = HostTensor.f32(
    [c.inDim, ...grid],
    Float32Array.from({ length: c.inDim * grid[0] * grid[1] * grid[2] }, () => rng.normal()),
  );
  const context = HostTensor.f32(
    [o.textLen, c.textDim],
    Float32Array.from({ length: o.textLen * c.textDim }, () => rng.normal()),
  );
  const clipTokens =
    c.version === '2.1' && (c.modelType === 'i2v' || c.modelType === 'flf2v')
      ? c.modelType === 'flf2v'
        ? 514
        : 257
      : 0;
  const clipFea = clipTokens
    ? HostTensor.f32(
        [clipTokens, 1280],
        Float32Array.from({ length: clipTokens * 1280 }, () => rng.normal()),
      )
    : undefined;
  const msBuild = performance.now() - t0;
  const program = new Program(runtime, { device: o.device, threads: o.threads, maxSessions: 1 });
  try {
    const dit = new WanDiT(c, weights, program);
    const sample = { x, context, clipFea, t: 937 };
    const fused = o.fused ?? true;
    const int8 = o.int8 ?? false;
    const msCpu: number[] = [];
    const time = async (): Promise<number> => {
      const c0 = process.cpuUsage();
      const s = performance.now();
      await dit.forward([sample], { fused, int8 });
      const ms = performance.now() - s;
      const c = process.cpuUsage(c0);
      msCpu.push((c.user + c.system) / 1000);
      return ms;
    };
    const msWarmup: number[] = [];
    for (let i = 0; i < o.warmup; i++) msWarmup.push(await time());
    const msAll: number[] = [];
    msCpu.length = 0;
    const load = startLoadProbe();
    for (let i = 0; i < o.repeat; i++) msAll.push(await time());
    const otherCpuCores = load();
    let int8Error: Int8Error | null = null;
    if (int8) {
      const q = (await dit.forward([sample], { fused, int8 })).outputs[0].data as Float32Array;
      const f = (await dit.forward([sample], { fused })).outputs[0].data as Float32Array;
      int8Error = outputError(q, f);
    }
    const sorted = [...msAll].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)];
    const flops = ditFlops(c, tokens, clipTokens);
    return {
      what: 'dit',
      latent: [c.inDim, ...grid],
      tokens,
      params,
      gflop: round(flops / 1e9),
      msPerForward: round(median),
      msAll: msAll.map(round),
      msCpuAll: msCpu.map(round),
      msWarmup: msWarmup.map(round),
      msBuild: round(msBuild),
      gflopPerSecond: round(flops / 1e6 / median),
      peakRssMb: round(peakRssMb()),
      device: o.device,
      threads: o.threads ?? 'default',
      fused,
      int8,
      int8Error,
      otherCpuCores: otherCpuCores === null ? null : Math.round(otherCpuCores * 100) / 100,
    };
  } finally {
    await program.dispose();
  }
}

function outputError(q: Float32Array, f: Float32Array): Int8Error {
  let num = 0;
  let den = 0;
  let maxD = 0;
  let maxF = 0;
  for (let i = 0; i < f.length; i++) {
    const d = q[i] - f[i];
    num += d * d;
    den += f[i] * f[i];
    maxD = Math.max(maxD, Math.abs(d));
    maxF = Math.max(maxF, Math.abs(f[i]));
  }
  return { relL2: Math.sqrt(num / den), relMax: maxD / maxF };
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}

/** Busy jiffies of all CPUs (Linux), or null. */
function cpuBusyJiffies(): number | null {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal
    return f[0] + f[1] + f[2] + f[5] + f[6] + (f[7] ?? 0);
  } catch {
    return null;
  }
}

/** Starts measuring other processes' CPU use; the returned function gives their average busy cores. */
function startLoadProbe(): () => number | null {
  const j0 = cpuBusyJiffies();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  return () => {
    const j1 = cpuBusyJiffies();
    if (j0 === null || j1 === null) return null;
    const c = process.cpuUsage(c0);
    const wallS = (performance.now() - t0) / 1000;
    const allS = (j1 - j0) / 100; // USER_HZ
    return Math.max(0, (allS - (c.user + c.system) / 1e6) / wallS);
  };
}
