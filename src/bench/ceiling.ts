// The float32 ceiling of this machine as ONNX Runtime reaches it: one large square
// SGEMM and one large 3×3 NCHWc convolution (the kernels and shapes that dominate the DiT and the VAE),
// timed at the same thread count as a model benchmark. A model cannot average more
// GFLOP/s than its dominant kernel does alone, so these bound every speed-up figure.
import { InputError, throwIfAborted } from '../engine/errors.js';
import { graphFlops } from '../engine/graph/flops.js';
import { Graph } from '../engine/graph/graph.js';
import type { HostTensor } from '../engine/host-tensor.js';
import { matmul } from '../engine/ops/matmul.js';
import { nchwcConv } from '../engine/ops/nchwc.js';
import { Program } from '../engine/program.js';
import type { Runtime } from '../engine/runtime/runtime.js';
import { randomWeights } from './random-weights.js';

export interface CeilingOptions {
  readonly runtime: Runtime;
  readonly threads?: number;
  /** Timed runs per kernel after one warm-up (median reported). */
  readonly repeat?: number;
  readonly signal?: AbortSignal;
}

export interface CeilingResult {
  readonly threads: number | 'default';
  /** [n, n] × [n, n] float32 MatMul. */
  readonly gemm: { readonly n: number; readonly gflop: number; readonly ms: number; readonly gflopPerSecond: number };
  /** [1, c, h, w] 3×3 NCHWc convolution, c → c, as in the VAE decoder's last stage. */
  readonly conv3x3: {
    readonly shape: readonly number[];
    readonly gflop: number;
    readonly ms: number;
    readonly gflopPerSecond: number;
  };
}

/** One random float32 tensor (the benchmarks' fast generator; values only need to be non-degenerate). */
function random(shape: readonly number[], seed: number): HostTensor {
  return randomWeights(new Map([['t', shape]]), seed).get('t') as HostTensor;
}

async function time(
  program: Program,
  key: string,
  build: (g: Graph) => void,
  inputs: Record<string, HostTensor>,
  weights: Map<string, HostTensor>,
  repeat: number,
  signal?: AbortSignal,
): Promise<number> {
  await program.run(key, build, inputs, weights, signal);
  const ms: number[] = [];
  for (let i = 0; i < repeat; i++) {
    throwIfAborted(signal);
    const t = performance.now();
    await program.run(key, build, inputs, weights, signal);
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return ms[Math.floor(ms.length / 2)];
}

/** Measures the SGEMM and 3×3-convolution rates. */
export async function benchCeiling(o: CeilingOptions): Promise<CeilingResult> {
  const repeat = o.repeat ?? 5;
  if (!Number.isInteger(repeat) || repeat < 1) throw new InputError(`bench ceiling: repeat must be ≥ 1, got ${repeat}`);
  const program = new Program(o.runtime, { device: 'cpu', threads: o.threads, maxSessions: 2 });
  try {
    const n = 2048;
    const gemm = (g: Graph) => g.output('y', matmul(g.input('a', 'float32', [n, n]), g.param('b', [n, n])));
    const gemmMs = await time(
      program,
      'ceiling-gemm',
      gemm,
      { a: random([n, n], 1) },
      new Map([['b', random([n, n], 2)]]),
      repeat,
      o.signal,
    );
    const shape = [1, 96, 240, 416] as const;
    const c = shape[1];
    // The VAE's convolutions run as ONNX Runtime's NCHWc direct convolution (16-channel
    // blocks); the input and filter are random, so their blocked layout needs no reorder.
    const conv3 = (g: Graph) =>
      g.output(
        'y',
        nchwcConv(g.input('x', 'float32', shape), g.param('w', [c, c, 3, 3]), g.param('b', [c]), {
          pads: [1, 1, 1, 1],
        }),
      );
    const convMs = await time(
      program,
      'ceiling-conv',
      conv3,
      { x: random(shape, 3) },
      new Map([
        ['w', random([c, c, 3, 3], 4)],
        ['b', random([c], 5)],
      ]),
      repeat,
      o.signal,
    );
    const flops = (build: (g: Graph) => void) => {
      const g = new Graph();
      build(g);
      return graphFlops(g);
    };
    const gf = flops(gemm);
    const cf = flops(conv3);
    const round = (v: number) => Math.round(v * 10) / 10;
    return {
      threads: o.threads ?? 'default',
      gemm: { n, gflop: round(gf / 1e9), ms: round(gemmMs), gflopPerSecond: round(gf / 1e6 / gemmMs) },
      conv3x3: { shape, gflop: round(cf / 1e9), ms: round(convMs), gflopPerSecond: round(cf / 1e6 / convMs) },
    };
  } finally {
    await program.dispose();
  }
}
