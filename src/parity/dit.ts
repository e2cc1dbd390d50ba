// Parity runner for the WanModel (DiT) cases: any config, seed, grid, text length
// and batch the oracle writes, with official key names.
import { WanError } from '../engine/errors.js';
import { HostTensor, toFloat32, toFloat64Array } from '../engine/host-tensor.js';
import { Program } from '../engine/program.js';
import { ditConfigFromJson, hasImageBranch, type WanVersion } from '../models/wan/dit/config.js';
import { type DitSample, WanDiT } from '../models/wan/dit/model.js';
import { caseWeights, need, perSample, perSampleNames } from './case-file.js';
import type { ParityCase, ParityContext, ParityOutput } from './types.js';

function detectVersion(c: ParityCase, weights: ReadonlyMap<string, HostTensor>): WanVersion {
  const v = c.config.wan ?? c.config.version;
  if (v === '2.1' || v === '2.2') return v;
  if (/wan22|wan2\.2|a14b|ti2v|5b/i.test(c.name)) return '2.2';
  if (/wan21|wan2\.1/i.test(c.name)) return '2.1';
  if ([...weights.keys()].some((k) => k.startsWith('img_emb.'))) return '2.1';
  const t = c.tensors.get('input.t');
  return t && t.shape.length === 2 ? '2.2' : '2.1';
}

function asNumbers(t: HostTensor): number[] {
  return Array.from(toFloat64Array(t));
}

export async function runDitCase(c: ParityCase, ctx: ParityContext): Promise<ParityOutput[]> {
  const weights = caseWeights(c);
  const version = detectVersion(c, weights);
  const config = ditConfigFromJson(c.config, undefined, version);
  const xs = perSample(c, 'input.x');
  if (xs.length === 0) throw new WanError('E_PARITY', `${c.file}: no input.x`);
  const ys = perSample(c, 'input.y');
  const ctxs = perSample(c, 'input.context');
  const b = xs.length;
  const seqLenT = c.tensors.get('input.seq_len');
  const seqLen = seqLenT ? asNumbers(seqLenT)[0] : typeof c.config.seq_len === 'number' ? c.config.seq_len : undefined;

  // t: [], [1] or [B] (one per sample), or [B, seq_len] per token.
  const tT = need(c, 'input.t');
  const tv = asNumbers(tT);
  const perTokenRows = tT.shape.length === 2 ? tT.shape[1] : 0;
  const tOf = (i: number): number | number[] => {
    if (perTokenRows) return tv.slice(i * perTokenRows, (i + 1) * perTokenRows);
    return tv.length === 1 ? tv[0] : tv[i];
  };

  let clips: HostTensor[] = [];
  if (hasImageBranch(config)) {
    const cf = perSample(c, 'input.clip_fea');
    if (cf.length === 1 && cf[0].shape.length === 3) {
      const [nb, n, d] = cf[0].shape;
      const data = toFloat32(cf[0]).data;
      clips = Array.from({ length: nb }, (_, i) => HostTensor.f32([n, d], data.subarray(i * n * d, (i + 1) * n * d)));
    } else clips = cf.map((u) => toFloat32(u));
  }

  const samples: DitSample[] = xs.map((x0, i) => {
    let x = toFloat32(x0);
    if (x.shape.length === 5) x = x.reshape(x.shape.slice(1));
    if (ys.length) {
      const y = toFloat32(ys[Math.min(i, ys.length - 1)]);
      x = concatChannels(x, y.shape.length === 5 ? y.reshape(y.shape.slice(1)) : y);
    }
    const cx = toFloat32(ctxs[Math.min(i, ctxs.length - 1)]);
    return {
      x,
      context: cx.shape.length === 3 ? cx.reshape(cx.shape.slice(1)) : cx,
      clipFea: clips.length ? clips[Math.min(i, clips.length - 1)] : undefined,
      t: tOf(i),
    };
  });

  const program = new Program(ctx.runtime, { device: ctx.device, threads: ctx.threads, maxSessions: 1 });
  try {
    const dit = new WanDiT(config, weights, program);
    const res = await dit.forward(samples, { seqLen, taps: ctx.inter, signal: ctx.signal });
    const names = perSampleNames(c, 'output.out');
    const outs: ParityOutput[] = [];
    if (names.length === b)
      names.forEach((n, i) => {
        outs.push({ name: n, actual: res.outputs[i], expected: need(c, n) });
      });
    else if (names.length === 1 && b > 1) {
      const stacked = stack(res.outputs);
      outs.push({ name: names[0], actual: stacked, expected: need(c, names[0]) });
    } else throw new WanError('E_PARITY', `${c.file}: expected ${b} outputs named output.out…, found ${names.length}`);
    if (ctx.inter) {
      for (const [k, v] of Object.entries(res.taps)) {
        const exp = c.tensors.get(k);
        if (exp) outs.push({ name: k, actual: v, expected: exp });
      }
    }
    return outs;
  } finally {
    await program.dispose();
  }
}

function concatChannels(a: HostTensor, b: HostTensor): HostTensor<'float32'> {
  const [ca, ...rest] = a.shape;
  const out = new Float32Array(a.size + b.size);
  out.set(a.data as Float32Array, 0);
  out.set(b.data as Float32Array, a.size);
  return HostTensor.f32([ca + b.shape[0], ...rest], out);
}

function stack(ts: readonly HostTensor[]): HostTensor {
  const out = new Float32Array(ts.reduce((n, t) => n + t.size, 0));
  let o = 0;
  for (const t of ts) {
    out.set(t.data as Float32Array, o);
    o += t.size;
  }
  return HostTensor.f32([ts.length, ...ts[0].shape], out);
}
