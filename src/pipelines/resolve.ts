// Request + model defaults -> the exact settings of one run, validated with
// errors that name the field, the value and what was expected.
import { InputError } from '../engine/errors.js';
import type { SamplingDefaults } from './defaults.js';
import type { GenerateRequest, SamplerName } from './types.js';

export interface RunSettings {
  readonly prompt: string;
  readonly negativePrompt: string;
  readonly width: number;
  readonly height: number;
  readonly frames: number;
  readonly steps: number;
  readonly shift: number;
  readonly guideScale: { readonly low: number; readonly high: number };
  readonly seed: number;
  readonly sampler: SamplerName;
  readonly boundary?: number;
  readonly firstFrameFirst: boolean;
}

const SAMPLERS: readonly SamplerName[] = ['unipc', 'dpm++', 'euler'];

function positiveInt(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 1) throw new InputError(`${name} must be a positive integer, got ${v}`);
  return v;
}

/** `multiple`: the pixel granularity (VAE stride × patch size): 16, or 32 for TI2V-5B. */
export function resolveSettings(req: GenerateRequest, d: SamplingDefaults, multiple: number): RunSettings {
  if (typeof req.prompt !== 'string' || req.prompt.trim() === '')
    throw new InputError('prompt must be a non-empty string');
  const frames = positiveInt('frames', req.frames ?? d.frames);
  if ((frames - 1) % 4 !== 0) throw new InputError(`frames must be 4n+1 (1, 5, 9, …, 81), got ${frames}`);
  const width = positiveInt('width', req.width ?? d.width);
  const height = positiveInt('height', req.height ?? d.height);
  if (width % multiple !== 0 || height % multiple !== 0) {
    throw new InputError(
      `size ${width}*${height} must be a multiple of ${multiple} in both width and height for this model`,
    );
  }
  const steps = positiveInt('steps', req.steps ?? d.steps);
  const shift = req.shift ?? (d.family === 'i2v-14B' && width * height === 832 * 480 ? 3 : d.shift);
  if (!(shift > 0) || !Number.isFinite(shift)) throw new InputError(`shift must be a positive number, got ${shift}`);
  const g = req.guideScale ?? d.guideScale;
  const guide = typeof g === 'number' ? { low: g, high: g } : g;
  for (const [k, v] of Object.entries(guide)) {
    if (!Number.isFinite(v) || v < 0)
      throw new InputError(`guide scale (${k}) must be a non-negative number, got ${v}`);
  }
  const seed = req.seed ?? 0;
  if (!Number.isSafeInteger(seed) || seed < 0) throw new InputError(`seed must be a non-negative integer, got ${seed}`);
  const sampler = req.sampler ?? d.sampler;
  if (!SAMPLERS.includes(sampler))
    throw new InputError(`sampler must be one of ${SAMPLERS.join(', ')}, got '${sampler}'`);
  const boundary = req.boundary ?? d.boundary;
  if (boundary !== undefined && !(boundary >= 0 && boundary <= 1))
    throw new InputError(`boundary must be in [0, 1], got ${boundary}`);
  const firstFrameFirst = req.firstFrameFirst ?? d.firstFrameFirst ?? false;
  if (typeof firstFrameFirst !== 'boolean')
    throw new InputError(`firstFrameFirst must be true or false, got ${JSON.stringify(firstFrameFirst)}`);
  return {
    prompt: req.prompt,
    negativePrompt: req.negativePrompt ?? d.negativePrompt,
    width,
    height,
    frames,
    steps,
    shift,
    guideScale: guide,
    seed,
    sampler,
    boundary: d.boundary === undefined ? undefined : boundary,
    firstFrameFirst,
  };
}
