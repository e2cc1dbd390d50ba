// Seconds per clip of a model folder through WanPipeline, the way the CLI runs it
// (sequential memory: each component is loaded when needed and dropped after).
import { cpus } from 'node:os';
import type { Runtime } from '../engine/runtime/runtime.js';
import { WanPipeline } from '../pipelines/wan-pipeline.js';
import type { SpeedReport } from './model-card.js';

export interface BenchOptions {
  readonly runtime: Runtime;
  /** ONNX Runtime intra-op threads (default 2: the target machine's cores). */
  readonly threads?: number;
  /** Clips after the first (default 3). */
  readonly runs?: number;
  readonly prompt?: string;
  readonly signal?: AbortSignal;
}

/** Opens `dir`, generates one clip (cold), then `runs` more (warm); returns the figures. */
export async function benchBuiltin(dir: string, o: BenchOptions): Promise<SpeedReport> {
  const threads = o.threads ?? 2;
  const runs = o.runs ?? 3;
  const prompt = o.prompt ?? 'a red circle moving right';
  const t0 = performance.now();
  const pipe = await WanPipeline.open(dir, { runtime: o.runtime, threads });
  try {
    await pipe.generate({ prompt, seed: 0 }, { signal: o.signal });
    const coldSeconds = (performance.now() - t0) / 1000;
    const warm: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      await pipe.generate({ prompt, seed: i + 1 }, { signal: o.signal });
      warm.push((performance.now() - t) / 1000);
    }
    warm.sort((a, b) => a - b);
    const cpu = cpus();
    return {
      coldSeconds,
      warmSeconds: warm.length ? warm[Math.floor(warm.length / 2)] : coldSeconds,
      threads,
      runs,
      cpu: `${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}`,
    };
  } finally {
    await pipe.dispose();
  }
}
