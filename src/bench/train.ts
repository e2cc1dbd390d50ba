// Training-step benchmark: a tiny DiT (or any config) on random data, full graph
// or block-checkpointed; reports steps/s and the process's peak RSS. Measure
// each mode in a fresh process: the peak RSS is a high-water mark.
import { HostTensor } from '../engine/host-tensor.js';
import type { Device, Runtime } from '../engine/runtime/runtime.js';
import type { WanDitConfig } from '../models/wan/dit/config.js';
import { tokenGrid } from '../models/wan/dit/graph.js';
import { WanDiT } from '../models/wan/dit/model.js';
import { type DitExample, DitFlowMatching } from '../training/dit-flow.js';
import { TrainRng } from '../training/rng.js';
import { tinyDitConfig } from '../training/toy.js';
import { train } from '../training/train.js';
import { peakRssMb } from './memory.js';
import { randomWeights } from './random-weights.js';

export interface TrainBenchOptions {
  /** Default: the tiny toy DiT (dim 32, 2 layers). */
  readonly config?: WanDitConfig;
  /** Latent grid [F, H, W] (default [1, 8, 8]). */
  readonly grid?: readonly [number, number, number];
  readonly batchSize?: number;
  /** Timed steps (default 20) after `warmup` untimed ones (default 2, includes compilation). */
  readonly steps?: number;
  readonly warmup?: number;
  readonly checkpointing?: boolean;
  readonly threads?: number;
  readonly device?: Device;
}

export interface TrainBenchResult {
  readonly what: 'train';
  readonly params: number;
  readonly tokens: number;
  readonly batchSize: number;
  readonly checkpointing: boolean;
  readonly stepsPerSecond: number;
  readonly msPerStep: number;
  /** Process peak RSS (VmHWM) in MB, compilation included. */
  readonly peakRssMb: number;
  readonly finalLoss: number;
  readonly threads: number | 'default';
}

export async function benchTrain(runtime: Runtime, o: TrainBenchOptions = {}): Promise<TrainBenchResult> {
  const c = o.config ?? tinyDitConfig();
  const grid = o.grid ?? [1, 8, 8];
  const batchSize = o.batchSize ?? 1;
  const warmup = o.warmup ?? 2;
  const steps = o.steps ?? 20;
  const rng = new TrainRng(1);
  const n = c.inDim * grid[0] * grid[1] * grid[2];
  const data: DitExample[] = Array.from({ length: 4 }, () => ({
    latent: HostTensor.f32([c.inDim, ...grid], rng.normals(n)),
    context: HostTensor.f32([Math.min(4, c.textLen), c.textDim], rng.normals(Math.min(4, c.textLen) * c.textDim)),
  }));
  const params = randomWeights(WanDiT.declaredParams(c), 1);
  let count = 0;
  for (const p of params.values()) count += p.size;
  const model = new DitFlowMatching(c, {
    runtime,
    device: o.device ?? 'cpu',
    threads: o.threads,
    checkpointing: o.checkpointing ?? false,
  });
  const times: number[] = [];
  try {
    const r = await train({
      model,
      params,
      data: { length: data.length, get: (i) => data[i] },
      steps: warmup + steps,
      batchSize,
      optimizer: { lr: 1e-4 },
      onStep: (i) => {
        if (i.step > warmup) times.push(i.ms);
      },
    });
    const ms = times.reduce((a, b) => a + b, 0) / Math.max(times.length, 1);
    const tg = tokenGrid(c, grid);
    return {
      what: 'train',
      params: count,
      tokens: tg[0] * tg[1] * tg[2],
      batchSize,
      checkpointing: o.checkpointing ?? false,
      stepsPerSecond: Math.round((1000 / ms) * 100) / 100,
      msPerStep: Math.round(ms * 10) / 10,
      peakRssMb: Math.round(peakRssMb() * 10) / 10,
      finalLoss: r.history[r.history.length - 1]?.loss ?? Number.NaN,
      threads: o.threads ?? 'default',
    };
  } finally {
    await model.dispose();
  }
}
