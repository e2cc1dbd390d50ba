// Parity runner for the CLIP visual cases (`clip_visual*`): any VisionTransformer
// config the oracle writes, keys with the official `visual.` prefix.
import { HostTensor, toFloat32 } from '../engine/host-tensor.js';
import { Program } from '../engine/program.js';
import { clipConfigFromJson } from '../models/wan/clip/config.js';
import { ClipVisionEncoder } from '../models/wan/clip/model.js';
import { caseWeights, need } from './case-file.js';
import type { ParityCase, ParityContext, ParityOutput } from './types.js';

/** [3, H, W] → one image; [N, 3, H, W] → N images. */
function splitImages(t: HostTensor): HostTensor[] {
  const f = toFloat32(t);
  if (f.shape.length !== 4) return [f];
  const [n, ...rest] = f.shape;
  const per = rest.reduce((a, b) => a * b, 1);
  return Array.from({ length: n }, (_, i) => HostTensor.f32(rest, f.data.subarray(i * per, (i + 1) * per)));
}

/** `input.image` → `output.features`; with ctx.inter also `inter.after_pre_norm` and `inter.block{i}`. */
export async function runClipCase(c: ParityCase, ctx: ParityContext): Promise<ParityOutput[]> {
  const config = clipConfigFromJson(c.config);
  const program = new Program(ctx.runtime, { device: ctx.device, threads: ctx.threads, maxSessions: 1 });
  try {
    const enc = new ClipVisionEncoder(config, caseWeights(c, 'visual.'), program);
    const res = await enc.encode(splitImages(need(c, 'input.image')), { taps: ctx.inter, signal: ctx.signal });
    const outs: ParityOutput[] = [
      { name: 'output.features', actual: res.features, expected: need(c, 'output.features') },
    ];
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
