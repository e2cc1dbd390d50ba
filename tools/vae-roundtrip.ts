#!/usr/bin/env node
// How much of the held-out evaluation a model's VAE alone can pass: each held-out scene is rendered,
// encoded and decoded, and the checker scores the round trip, grouped by triple, background, colour
// on background, or size. The DiT cannot beat these figures, so they separate VAE from DiT errors.
//   npx tsx tools/vae-roundtrip.ts [--model assets/builtin-model] [--by triple|background|colour|size] [--scenes 16]
import { parseArgs } from 'node:util';
import { heldoutScene } from '../src/builtin/eval.js';
import { BUILTIN_RECIPE } from '../src/builtin/recipe.js';
import { HostTensor } from '../src/engine/host-tensor.js';
import { Program } from '../src/engine/program.js';
import { OrtNodeRuntime } from '../src/engine/runtime/ort-node.js';
import { findModelFolder } from '../src/models/wan/folder.js';
import { loadVae } from '../src/pipelines/components.js';
import { HELDOUT_TRIPLES, renderClip, type Scene, scoreClip } from '../src/world/index.js';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'assets/builtin-model' },
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
const scenes = Number(values.scenes);
if (!Number.isInteger(scenes) || scenes < 1) throw new Error(`--scenes ${values.scenes}: expected a positive integer`);

const folder = findModelFolder(values.model as string);
const program = new Program(new OrtNodeRuntime(), { device: 'cpu', threads: 2, maxSessions: 8 });
try {
  const vae = await loadVae(folder.vae, folder.vae.version, program);
  const tally = new Map<string, { n: number; truth: number; shape: number; motion: number }>();
  for (const t of HELDOUT_TRIPLES) {
    for (let k = 0; k < scenes; k++) {
      const scene = heldoutScene(t, k);
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
  type Tally = { n: number; truth: number; shape: number; motion: number };
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
