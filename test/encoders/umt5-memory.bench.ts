// Peak memory and speed of the UMT5 encoder at real width (dim 4096, ffn 10240,
// 64 heads, the real 256,384-token embedding) with a few random bf16 blocks,
// loaded from a safetensors file like the real checkpoint. Not a test (slow,
// several GB): run by hand, each mode in a fresh process so peaks are clean:
//
//   node --import tsx test/encoders/umt5-memory.bench.ts [layered|whole|f32-whole] [layers] [tokens]
//
// Prints one JSON line: peak RSS (VmHWM) after load and after encoding, timings.
import { readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HostTensor } from '../../src/engine/host-tensor.js';
import { Program } from '../../src/engine/program.js';
import { OrtNodeRuntime } from '../../src/engine/runtime/ort-node.js';
import { openCheckpoint } from '../../src/engine/weights/open-checkpoint.js';
import { writeSafetensors } from '../../src/engine/weights/safetensors.js';
import { UMT5_XXL, type Umt5Config } from '../../src/models/wan/umt5/config.js';
import { loadUmt5Weights } from '../../src/models/wan/umt5/load.js';
import { Umt5Encoder, type Umt5Execution } from '../../src/models/wan/umt5/model.js';

function hwmMb(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : Math.round(process.resourceUsage().maxRSS / 1024);
}

/** Random bf16 words of magnitude 2^-10..2^-3 (or ≈1 for norm scales). */
function randomBf16(n: number, seed: number, nearOne: boolean): Uint16Array {
  const out = new Uint16Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const r = s >>> 8;
    out[i] = nearOne ? 0x3f80 | (r & 0x0f) : (((r >>> 14) & 1) << 15) | ((117 + (r & 7)) << 7) | ((r >>> 3) & 0x7f);
  }
  return out;
}

async function ensureCheckpoint(c: Umt5Config): Promise<string> {
  const file = join(tmpdir(), `wanjs-umt5-bench-${c.numLayers}l.safetensors`);
  if (
    await stat(file).then(
      () => true,
      () => false,
    )
  )
    return file;
  const shapes = Umt5Encoder.declaredParams(c);
  const tensors = new Map<string, HostTensor>();
  let seed = 1;
  for (const [name, shape] of shapes) {
    const n = shape.reduce((a, b) => a * b, 1);
    tensors.set(
      name,
      new HostTensor(
        'bfloat16',
        shape,
        randomBf16(n, seed++, name.endsWith('norm1.weight') || name.endsWith('norm2.weight') || name === 'norm.weight'),
      ),
    );
  }
  await writeSafetensors(file, tensors);
  return file;
}

const mode = (process.argv[2] ?? 'layered') as 'layered' | 'whole' | 'f32-whole';
const layers = Number(process.argv[3] ?? 2);
const tokens = Number(process.argv[4] ?? 512);
const config: Umt5Config = { ...UMT5_XXL, numLayers: layers };
const file = await ensureCheckpoint(config);
const baseMb = hwmMb();
const t0 = performance.now();
const source = await openCheckpoint(file);
const { weights } = await loadUmt5Weights(source, { dtype: mode === 'f32-whole' ? 'float32' : 'keep' });
await source.close();
const loadMs = performance.now() - t0;
const afterLoadMb = hwmMb();
const program = new Program(new OrtNodeRuntime(), { device: 'cpu', maxSessions: 2 });
const execution: Umt5Execution = mode === 'layered' ? 'layered' : 'whole';
const enc = new Umt5Encoder(config, weights, program, { execution });
const len = 512;
const ids = new BigInt64Array(len);
const mask = new BigInt64Array(len);
for (let j = 0; j < tokens; j++) {
  ids[j] = BigInt(j === tokens - 1 ? 1 : 3 + ((j * 7919) % 250000));
  mask[j] = 1n;
}
const t1 = performance.now();
const layerMs: number[] = [];
let last = t1;
const res = await enc.encode(new HostTensor('int64', [1, len], ids), new HostTensor('int64', [1, len], mask), {
  trimPadding: tokens < len,
  onProgress: () => {
    const now = performance.now();
    layerMs.push(Math.round(now - last));
    last = now;
  },
});
const encodeMs = performance.now() - t1;
await program.dispose();
const weightBytes = [...weights.values()].reduce((a, w) => a + w.byteLength, 0);
console.log(
  JSON.stringify({
    mode,
    execution: enc.execution,
    layers,
    tokens,
    seqLenRun: res.hidden.shape[1],
    weightsMb: Math.round(weightBytes / 2 ** 20),
    baseRssMb: baseMb,
    peakRssAfterLoadMb: afterLoadMb,
    peakRssMb: hwmMb(),
    loadMs: Math.round(loadMs),
    encodeMs: Math.round(encodeMs),
    layerMs,
  }),
);
