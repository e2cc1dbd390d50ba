// Which prompt words a model's denoiser actually uses. For shapes-world clips (rendered,
// encoded by the model's own VAE) and fixed noise, the DiT's flow-matching loss with the
// true prompt is compared with the loss when one word is swapped (another colour, shape
// or motion). A word the DiT relies on raises the loss when it is wrong; a word it
// ignores leaves the loss unchanged. This separates "the model does not know X" from
// "the sampler loses X", which the generation scores alone cannot.
import { InputError, throwIfAborted } from '../engine/errors.js';
import { HostTensor } from '../engine/host-tensor.js';
import { Program } from '../engine/program.js';
import type { Runtime } from '../engine/runtime/runtime.js';
import { perTokenTimesteps } from '../pipelines/denoise.js';
import { WanPipeline } from '../pipelines/wan-pipeline.js';
import { TrainRng } from '../training/rng.js';
import { datasetSample } from '../world/dataset.js';
import { promptFor } from '../world/prompt.js';
import { motionsFor, type Split } from '../world/sample-scene.js';
import type { Scene } from '../world/scene.js';
import { COLOURS, SHAPES } from '../world/vocab.js';

export interface WordUseOptions {
  readonly runtime: Runtime;
  /** Model folder (official layout). */
  readonly dir: string;
  /** One-object clips to average over (default 32). */
  readonly clips?: number;
  /** Noise levels σ (default 0.3, 0.6, 0.8, 0.95). */
  readonly sigmas?: readonly number[];
  /** Which part of the world the clips come from (default train). */
  readonly split?: Split;
  readonly threads?: number;
  readonly signal?: AbortSignal;
}

/** Mean loss with the true prompt, and the relative loss increase when each word is swapped. */
export interface WordUseRow {
  readonly sigma: number;
  readonly loss: number;
  readonly colour: number;
  readonly shape: number;
  readonly motion: number;
}

type Word = 'colour' | 'shape' | 'motion';

/** `scene` with its only object's `word` replaced by the `k`-th other value. */
function swapped(scene: Scene, word: Word, k: number): Scene {
  const o = scene.objects[0];
  const pick = <T>(xs: readonly T[], cur: T): T => {
    const others = xs.filter((x) => x !== cur);
    return others[k % others.length];
  };
  const obj =
    word === 'colour'
      ? { ...o, colour: pick(COLOURS, o.colour) }
      : word === 'shape'
        ? { ...o, shape: pick(SHAPES, o.shape) }
        : { ...o, motion: pick(motionsFor(o.shape), o.motion) };
  return { ...scene, objects: [obj] };
}

/** Table of rows as Markdown (relative increases in per cent). */
export function wordUseTable(rows: readonly WordUseRow[]): string {
  const pct = (v: number) => `${v >= 0 ? '+' : ''}${(100 * v).toFixed(1)} %`;
  return [
    '| σ | loss, true prompt | wrong colour | wrong shape | wrong motion |',
    '|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.sigma} | ${r.loss.toFixed(4)} | ${pct(r.colour)} | ${pct(r.shape)} | ${pct(r.motion)} |`),
  ].join('\n');
}

/** Runs the comparison on the model in `o.dir`; English prompts, one row per σ. */
export async function wordUse(o: WordUseOptions): Promise<WordUseRow[]> {
  const clips = o.clips ?? 32;
  const sigmas = o.sigmas ?? [0.3, 0.6, 0.8, 0.95];
  const pipe = await WanPipeline.open(o.dir, { runtime: o.runtime, threads: o.threads ?? 1 });
  const program = new Program(o.runtime, { device: 'cpu', threads: o.threads ?? 1, maxSessions: 12 });
  try {
    if (pipe.components.experts)
      throw new InputError(`word use: '${o.dir}' is a two-expert model; only single-DiT models are supported`);
    const parts = pipe.components;
    const vae = await parts.vae(program, o.signal);
    const enc = await parts.textEncoder(program, o.signal);
    const dit = await parts.dit('low', program, o.signal);
    const config = dit.config;
    const tok = await parts.tokenizer();
    const context = async (s: Scene): Promise<HostTensor> => {
      const e = tok.encode(promptFor(s, 'en'));
      const ids = new HostTensor('int32', [1, e.ids.length], e.ids);
      const mask = new HostTensor('int32', [1, e.mask.length], e.mask);
      return (await enc.encode(ids, mask, { trimPadding: true })).contexts[0];
    };
    const rng = new TrainRng(7);
    const sums = sigmas.map(() => ({ loss: 0, colour: 0, shape: 0, motion: 0 }));
    for (let i = 0; i < clips; i++) {
      throwIfAborted(o.signal);
      const { scene, clip } = datasetSample(
        { seed: 'word-use', split: o.split ?? 'train', objects: 1, frames: 17, width: 64, height: 64 },
        i,
      );
      if (!clip) throw new InputError('word use: the dataset returned no clip');
      const z = await vae.encode(HostTensor.f32(clip.shape, clip.data), { signal: o.signal });
      const x0 = z.data as Float32Array;
      const shape = z.shape;
      const grid: [number, number, number] = [shape[1], shape[2], shape[3]];
      const contexts: Record<'true' | Word, HostTensor> = {
        true: await context(scene),
        colour: await context(swapped(scene, 'colour', i)),
        shape: await context(swapped(scene, 'shape', i)),
        motion: await context(swapped(scene, 'motion', i)),
      };
      for (const [j, sigma] of sigmas.entries()) {
        const noise = new Float32Array(x0.length);
        for (let k = 0; k < noise.length; k++) noise[k] = rng.normal();
        const xt = HostTensor.f32(
          shape,
          x0.map((v, k) => (1 - sigma) * v + sigma * noise[k]),
        );
        const t =
          config.version === '2.2' ? perTokenTimesteps(sigma * 1000, grid, config.patchSize, false) : sigma * 1000;
        for (const name of ['true', 'colour', 'shape', 'motion'] as const) {
          const out = await dit.forward([{ x: xt, context: contexts[name], t }], { signal: o.signal });
          const v = out.outputs[0].data as Float32Array;
          let l = 0;
          for (let k = 0; k < v.length; k++) l += (v[k] - (noise[k] - x0[k])) ** 2;
          sums[j][name === 'true' ? 'loss' : name] += l / v.length;
        }
      }
    }
    return sigmas.map((sigma, j) => {
      const s = sums[j];
      return {
        sigma,
        loss: s.loss / clips,
        colour: s.colour / s.loss - 1,
        shape: s.shape / s.loss - 1,
        motion: s.motion / s.loss - 1,
      };
    });
  } finally {
    await program.dispose();
    await pipe.dispose();
  }
}
