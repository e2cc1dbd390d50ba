// Writing the built-in model as an official Wan model folder, so the same
// loaders that read Wan2.x checkpoints run it: config.json + DiT safetensors
// (official keys), Wan2.1_VAE.pth, the UMT5 encoder .pth in bfloat16 like the
// released file, google/umt5-xxl/spiece.model, and wanjs.json (sampling defaults).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { f32ToBf16 } from '../engine/dtype.js';
import { HostTensor } from '../engine/host-tensor.js';
import { writePth } from '../engine/weights/pth-writer.js';
import { writeSafetensors } from '../engine/weights/safetensors.js';
import { type BuiltinRecipe, ditConfigJson } from './recipe.js';
import { builtinSentencePieceModel } from './tokenizer.js';

/** File names of the folder (the official layout). */
export const BUILTIN_FILES = {
  ditConfig: 'config.json',
  dit: 'diffusion_pytorch_model.safetensors',
  vae: 'Wan2.1_VAE.pth',
  text: 'models_t5_umt5-xxl-enc-bf16.pth',
  tokenizer: join('google', 'umt5-xxl', 'spiece.model'),
  defaults: 'wanjs.json',
} as const;

/** The weights of the three networks, float32, official key names. */
export interface BuiltinWeights {
  readonly dit: ReadonlyMap<string, HostTensor>;
  /** With the latent normalisation already folded in. */
  readonly vae: ReadonlyMap<string, HostTensor>;
  readonly text: ReadonlyMap<string, HostTensor>;
}

/** float32 → bfloat16 (round to nearest even, as torch's `.to(torch.bfloat16)`). */
export function toBf16(t: HostTensor): HostTensor<'bfloat16'> {
  const src = t.data as Float32Array;
  const out = new Uint16Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = f32ToBf16(src[i]);
  return new HostTensor('bfloat16', t.shape, out);
}

/** The `wanjs.json` of the folder: the name and the sampling defaults the pipeline applies. */
export function folderDefaults(r: BuiltinRecipe): Record<string, unknown> {
  return {
    name: r.name,
    sampling: {
      steps: r.sampling.steps,
      shift: r.sampling.shift,
      guideScale: r.sampling.guideScale,
      frames: r.video.frames,
      fps: r.video.fps,
      width: r.video.width,
      height: r.video.height,
      sampler: r.sampling.sampler,
      negativePrompt: r.sampling.negativePrompt,
      firstFrameFirst: r.sampling.firstFrameFirst,
    },
  };
}

/** Writes every file of the model folder `dir` (created if needed); the model card is written separately. */
export async function writeBuiltinFolder(dir: string, r: BuiltinRecipe, w: BuiltinWeights): Promise<void> {
  await mkdir(join(dir, 'google', 'umt5-xxl'), { recursive: true });
  await writeFile(join(dir, BUILTIN_FILES.ditConfig), `${JSON.stringify(ditConfigJson(r), null, 2)}\n`);
  await writeSafetensors(join(dir, BUILTIN_FILES.dit), w.dit, { format: 'pt' });
  await writePth(join(dir, BUILTIN_FILES.vae), w.vae);
  await writePth(join(dir, BUILTIN_FILES.text), new Map([...w.text].map(([k, t]) => [k, toBf16(t)])));
  await writeFile(join(dir, BUILTIN_FILES.tokenizer), builtinSentencePieceModel());
  await writeFile(join(dir, BUILTIN_FILES.defaults), `${JSON.stringify(folderDefaults(r), null, 2)}\n`);
}
