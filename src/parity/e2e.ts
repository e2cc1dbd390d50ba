// Parity runner for the end-to-end cases: the official generate loops (CFG,
// A14B expert switch, TI2V first-frame conditioning) around UniPC/DPM++, then
// the VAE decode, all from the recorded initial noise.
import { WanError } from '../engine/errors.js';
import { HostTensor, toFloat32, toFloat64Array } from '../engine/host-tensor.js';
import { Program } from '../engine/program.js';
import { ditConfigFromJson, type WanVersion } from '../models/wan/dit/config.js';
import { WanDiT } from '../models/wan/dit/model.js';
import { vaeConfigFromJson } from '../models/wan/vae/config.js';
import { WanVae } from '../models/wan/vae/model.js';
import { denoise, type ExpertName } from '../pipelines/denoise.js';
import { createScheduler, type SchedulerName } from '../schedulers/index.js';
import { caseWeights, need } from './case-file.js';
import type { ParityCase, ParityContext, ParityOutput } from './types.js';

function obj(v: unknown, what: string, c: ParityCase): Record<string, unknown> {
  if (!v || typeof v !== 'object' || Array.isArray(v))
    throw new WanError('E_PARITY', `${c.file}: config.${what} must be an object`);
  return v as Record<string, unknown>;
}

function solverName(v: unknown): SchedulerName {
  const s = String(v ?? 'unipc').toLowerCase();
  if (s.includes('unipc')) return 'unipc';
  if (s.includes('dpm')) return 'dpm++';
  if (s.includes('euler')) return 'euler';
  throw new WanError('E_PARITY', `unknown solver ${JSON.stringify(v)}`);
}

export async function runE2eCase(c: ParityCase, ctx: ParityContext): Promise<ParityOutput[]> {
  const cfg = c.config;
  const moe = [...c.tensors.keys()].some((k) => k.startsWith('high_noise_model.'));
  const ti2v = /ti2v|5b/i.test(c.name) || c.tensors.has('input.image');
  const version: WanVersion = moe || ti2v || /wan22|a14b/i.test(c.name) ? '2.2' : '2.1';
  const ditCfg = ditConfigFromJson(obj(cfg.dit, 'dit', c), undefined, version);
  const vaeJson = obj(cfg.vae, 'vae', c);
  const mean = c.tensors.get('input.latents_mean');
  const std = c.tensors.get('input.latents_std');
  const vaeCfg = vaeConfigFromJson({
    ...vaeJson,
    ...(mean ? { latents_mean: Array.from(toFloat64Array(mean)) } : {}),
    ...(std ? { latents_std: Array.from(toFloat64Array(std)) } : {}),
    version: ditCfg.outDim === 48 ? '2.2' : '2.1',
  });

  const program = new Program(ctx.runtime, { device: ctx.device, threads: ctx.threads, maxSessions: 8 });
  try {
    const vae = new WanVae(vaeCfg, caseWeights(c, 'vae.'), program);
    const experts: Record<ExpertName, WanDiT> = moe
      ? {
          high: new WanDiT(ditCfg, caseWeights(c, 'high_noise_model.'), program),
          low: new WanDiT(ditCfg, caseWeights(c, 'low_noise_model.'), program),
        }
      : (() => {
          const d = new WanDiT(ditCfg, caseWeights(c, 'dit.'), program);
          return { high: d, low: d };
        })();

    const noise = toFloat32(need(c, 'input.noise'));
    const shape = noise.shape as [number, number, number, number];
    const steps = Number(cfg.steps);
    const shift = Number(cfg.shift);
    const scheduler = createScheduler(solverName(cfg.solver), { steps, shift });
    const lowHigh = cfg.guide_scale_low_high;
    const guide = Array.isArray(lowHigh)
      ? { low: Number(lowHigh[0]), high: Number(lowHigh[1]) }
      : { low: Number(cfg.guide_scale), high: Number(cfg.guide_scale) };
    const boundary = moe ? Number(cfg.boundary) : undefined;
    const outs: ParityOutput[] = [];

    let initial = Float32Array.from(noise.data);
    let firstFrame: Float32Array | undefined;
    if (ti2v && c.tensors.has('input.image')) {
      const image = toFloat32(need(c, 'input.image'));
      const z = await vae.encode(image, { signal: ctx.signal });
      outs.push({ name: 'output.image_latent', actual: z, expected: need(c, 'output.image_latent') });
      firstFrame = z.data;
      const [ch, t, h, w] = shape;
      for (let k = 0; k < ch; k++) initial.set(z.data.subarray(k * h * w, (k + 1) * h * w), k * t * h * w);
    }

    const experts_: number[] = [];
    const scales: number[] = [];
    const latent = await denoise({
      shape,
      initial,
      scheduler,
      expert: async (n) => experts[n],
      boundary,
      guideScale: guide,
      cond: { context: toFloat32(need(c, 'input.context')) },
      uncond: { context: toFloat32(need(c, 'input.context_null')) },
      firstFrame,
      perToken: version === '2.2' ? { patch: ditCfg.patchSize } : undefined,
      signal: ctx.signal,
      onStep: (s) => {
        experts_.push(s.expert === 'high' ? 1 : 0);
        scales.push(s.guideScale);
      },
    });
    initial = new Float32Array(0);

    const video = await vae.decode(HostTensor.f32(shape, latent), { signal: ctx.signal });
    outs.push(
      {
        name: 'output.timesteps',
        actual: HostTensor.i64([steps], scheduler.timesteps),
        expected: need(c, 'output.timesteps'),
        atol: 0,
        rtol: 0,
      },
      {
        name: 'output.sigmas',
        actual: HostTensor.f32([steps + 1], scheduler.sigmas),
        expected: need(c, 'output.sigmas'),
      },
      { name: 'output.latents', actual: HostTensor.f32(shape, latent), expected: need(c, 'output.latents') },
      { name: 'output.video', actual: video, expected: need(c, 'output.video') },
    );
    if (c.tensors.has('output.expert_is_high')) {
      outs.push({
        name: 'output.expert_is_high',
        actual: HostTensor.i64([experts_.length], experts_),
        expected: need(c, 'output.expert_is_high'),
        atol: 0,
        rtol: 0,
      });
    }
    if (c.tensors.has('output.guide_scale')) {
      outs.push({
        name: 'output.guide_scale',
        actual: HostTensor.f32([scales.length], scales),
        expected: need(c, 'output.guide_scale'),
        atol: 0,
        rtol: 0,
      });
    }
    return outs;
  } finally {
    await program.dispose();
  }
}
