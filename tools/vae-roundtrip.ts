#!/usr/bin/env node
// How much of the held-out evaluation a model's VAE alone can pass: each held-out scene is rendered,
// encoded and decoded, and the checker scores the round trip, grouped by triple, background, colour
// on background, or size. The DiT cannot beat these figures, so they separate VAE from DiT errors.
// `--split validation` does the same on the validation triples (training triples), so that a VAE
// can be chosen without looking at the held-out ones.
// `--params` scores a training phase's weights instead (e.g. runs/builtin/vae-wide-clips/final.safetensors:
// raw latents, the recipe's architecture at the widths the file holds) before any model folder exists.
//   npx tsx tools/vae-roundtrip.ts [--model assets/builtin-model | --params FILE] [--split heldout|validation]
//                                  [--by triple|background|colour|size] [--scenes 16]
import { parseArgs } from 'node:util';
import { heldoutScene, VALIDATION_TRIPLES, validationScene } from '../src/builtin/eval.js';
import { readPhaseFile } from '../src/builtin/phase-file.js';
import { BUILTIN_RECIPE, rawVaeConfig } from '../src/builtin/recipe.js';
import { HostTensor } from '../src/engine/host-tensor.js';
import { Program } from '../src/engine/program.js';
import { OrtNodeRuntime } from '../src/engine/runtime/ort-node.js';
import { findModelFolder } from '../src/models/wan/folder.js';
import { WanVae } from '../src/models/wan/vae/model.js';
import { loadVae } from '../src/pipelines/components.js';
import { HELDOUT_TRIPLES, renderClip, type Scene, scoreClip } from '../src/world/index.js';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'assets/builtin-model' },
    params: { type: 'string' },
    split: { type: 'string', default: 'heldout' },
    by: { type: 'string', default: 'triple' },
    scenes: { type: 'string', default: '16' },
  },
});
const groupOf: Record<string, (s: Scene) => string> = {
  triple: (s) => `${s.objects[0].colour} ${s.objects[0].shape} ${s.objects[0].motion}`,
  background: (s) => s.background,
  colour: (s) => `${s.objects[0].colour} on ${s.background}`,
  size: (s) => s.objects[0].size,
};
const by = values.by as string;
const group = groupOf[by];
if (!group) throw new Error(`--by ${by}: expected one of ${Object.keys(groupOf).join(', ')}`);
const split = values.split as string;
if (split !== 'heldout' && split !== 'validation') throw new Error(`--split ${split}: expected heldout or validation`);
const triples = split === 'heldout' ? HELDOUT_TRIPLES : VALIDATION_TRIPLES;
const sceneOf = split === 'heldout' ? heldoutScene : validationScene;
const scenes = Number(values.scenes);
if (!Number.isInteger(scenes) || scenes < 1) throw new Error(`--scenes ${values.scenes}: expected a positive integer`);

/** A train-builtin phase file's VAE, widths read off its first convolutions. */
async function phaseVae(file: string, program: Program): Promise<WanVae> {
  const { params } = await readPhaseFile(file);
  const raw = rawVaeConfig(BUILTIN_RECIPE);
  const enc = params.get('encoder.conv1.weight');
  const dec = params.get('decoder.conv1.weight');
  if (!enc || !dec) throw new Error(`${file}: expected param.encoder.conv1.weight and param.decoder.conv1.weight`);
  const config = { ...raw, dim: enc.shape[0], decDim: dec.shape[0] / raw.dimMult[raw.dimMult.length - 1] };
  return new WanVae(config, params, program);
}

async function folderVae(model: string, program: Program): Promise<WanVae> {
  const folder = findModelFolder(model);
  return loadVae(folder.vae, folder.vae.version, program);
}

type Tally = { n: number; truth: number; shape: number; motion: number };

const program = new Program(new OrtNodeRuntime(), { device: 'cpu', threads: 2, maxSessions: 8 });
try {
  const vae = values.params ? await phaseVae(values.params, program) : await folderVae(values.model as string, program);
  const tally = new Map<string, Tally>();
  for (const t of triples) {
    for (let k = 0; k < scenes; k++) {
      const scene = sceneOf(t, k);
      const clip = renderClip(scene, BUILTIN_RECIPE.video);
      const decoded = await vae.decode(await vae.encode(HostTensor.f32(clip.shape, clip.data)));
      const truth = scoreClip(clip, scene).objects[0];
      const trip = scoreClip({ shape: clip.shape, data: decoded.data as Float32Array }, scene).objects[0];
      const key = group(scene);
      const g = tally.get(key) ?? { n: 0, truth: 0, shape: 0, motion: 0 };
      g.n++;
      g.truth += Number(truth.shapeOk);
      g.shape += Number(trip.shapeOk);
      g.motion += Number(trip.motionOk);
      tally.set(key, g);
    }
  }
  const pct = (a: number, n: number) => `${((100 * a) / n).toFixed(1)} %`.padStart(7);
  const row = (key: string, g: Tally) =>
    `${key.padEnd(26)} ${String(g.n).padStart(5)}  ${pct(g.truth, g.n)}  ${pct(g.shape, g.n)}  ${pct(g.motion, g.n)}`;
  console.log(`${by.padEnd(26)} clips  shape (rendered)  shape (round trip)  motion (round trip)`);
  const total: Tally = { n: 0, truth: 0, shape: 0, motion: 0 };
  for (const [key, g] of [...tally].sort(([a], [b]) => a.localeCompare(b))) {
    console.log(row(key, g));
    for (const f of ['n', 'truth', 'shape', 'motion'] as const) total[f] += g[f];
  }
  console.log(row('all', total));
} finally {
  await program.dispose();
}
