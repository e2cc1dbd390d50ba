// LoRA fine-tuning of a tiny DiT. A base model is first trained on prompts built
// from a small vocabulary; adapters on the cross-attention k/v projections are
// then trained to make prompts containing a trigger word produce a new latent,
// with the base examples kept in the data (prior preservation). Stated
// tolerances, as relative RMS change of the velocity prediction vs the base:
//   target prompts ≥ 0.5, the base-data prompts ≤ 0.2, held-out prompts ≤ 0.35.
// The saved adapters reload from both namings and reproduce the outputs.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { randomWeights } from '../../src/bench/random-weights.js';
import { HostTensor } from '../../src/engine/host-tensor.js';
import { Program, type Weights } from '../../src/engine/program.js';
import { OrtNodeRuntime } from '../../src/engine/runtime/ort-node.js';
import { WanDiT } from '../../src/models/wan/dit/model.js';
import {
  initLoraParams,
  LoraProgram,
  loraFromParams,
  mergeLoras,
  readLora,
  selectLoraModules,
  writeLora,
} from '../../src/models/wan/lora/index.js';
import { DitFlowMatching } from '../../src/training/dit-flow.js';
import { TrainRng } from '../../src/training/rng.js';
import { arrayDataset, tinyDitConfig, toyLatent } from '../../src/training/toy.js';
import { train } from '../../src/training/train.js';
import { tempDir } from '../weights/tmp.js';

const rt = new OrtNodeRuntime();
const c = tinyDitConfig({ textLen: 3 });
const declared = WanDiT.declaredParams(c);

test('LoRA gradients match a central difference of the loss', async () => {
  const base = randomWeights(declared, 1);
  const modules = selectLoraModules(declared, ['blocks.*.cross_attn.k', 'blocks.0.ffn.*']);
  const params = initLoraParams(declared, modules, 2, new TrainRng(3));
  // give B non-zero values so A receives a gradient too
  const r = new TrainRng(4);
  for (const [k, t] of params)
    if (k.endsWith('lora_B'))
      params.set(
        k,
        HostTensor.f32(
          t.shape,
          r.normals(t.size).map((v) => v * 0.1),
        ),
      );
  const model = new DitFlowMatching(c, {
    runtime: rt,
    base,
    lora: { modules, rank: 2, alpha: 4 },
    checkpointing: true,
  });
  const item = {
    xt: HostTensor.f32([4, 1, 4, 4], r.normals(64)),
    target: HostTensor.f32([4, 1, 4, 4], r.normals(64)),
    context: HostTensor.f32([3, 16], r.normals(48)),
    t: 400,
  };
  const trainable = new Set(params.keys());
  try {
    const { grads } = await model.lossAt(params, [item], trainable);
    assert.equal(grads.size, params.size);
    const dir = new Map([...params].map(([k, p]) => [k, r.normals(p.size)]));
    let analytic = 0;
    for (const [k, d] of dir) {
      const g = (grads.get(k) as HostTensor).data as Float32Array;
      for (let i = 0; i < d.length; i++) analytic += d[i] * g[i];
    }
    const at = async (s: number): Promise<number> => {
      const moved = new Map(
        [...params].map(([k, p]) => [
          k,
          HostTensor.f32(
            p.shape,
            (p.data as Float32Array).map((v, i) => v + s * 1e-3 * (dir.get(k) as Float32Array)[i]),
          ),
        ]),
      );
      return (await model.lossAt(moved, [item], trainable)).loss;
    };
    const numeric = ((await at(1)) - (await at(-1))) / 2e-3;
    assert.ok(Math.abs(numeric - analytic) < 1e-2 * Math.abs(analytic), `numeric ${numeric}, analytic ${analytic}`);
  } finally {
    await model.dispose();
  }
});

test('a LoRA fine-tune changes the target prompts, keeps the others, and reloads from both namings', async () => {
  const rng = new TrainRng(9);
  const words = Array.from({ length: 16 }, () => rng.normals(c.textDim));
  const prompt = (ids: number[]): HostTensor => {
    const d = new Float32Array(ids.length * c.textDim);
    for (const [i, w] of ids.entries()) d.set(words[w], i * c.textDim);
    return HostTensor.f32([ids.length, c.textDim], d);
  };
  // word 0 is the trigger; the base model never sees it
  const otherPrompts = [
    [1, 3, 5],
    [8, 7, 2],
    [4, 10, 9],
    [12, 13, 6],
    [14, 15, 3],
    [2, 9, 11],
    [5, 6, 7],
    [13, 1, 10],
  ].map(prompt);
  const baseData = otherPrompts.map((p) => ({ latent: toyLatent(rng, 4, [1, 4, 4]), context: p }));
  const baseModel = new DitFlowMatching(c, { runtime: rt });
  const baseRun = await train({
    model: baseModel,
    params: randomWeights(declared, 3),
    data: arrayDataset(baseData),
    steps: 250,
    batchSize: 4,
    optimizer: { lr: 3e-3, weightDecay: 0 },
    schedule: { warmupSteps: 20, decay: 'cosine' },
    clipGradNorm: 1,
    seed: 1,
  });
  await baseModel.dispose();
  const base: Weights = baseRun.params;

  const targetPrompts = [
    [0, 3, 5],
    [0, 7, 2],
    [4, 0, 9],
    [11, 6, 0],
  ].map(prompt);
  const style = toyLatent(rng, 4, [1, 4, 4]);
  const loraData = [...targetPrompts.map((p) => ({ latent: style, context: p })), ...baseData];
  const modules = selectLoraModules(declared, ['blocks.*.cross_attn.k', 'blocks.*.cross_attn.v']);
  assert.equal(modules.length, 4);
  const rank = 4;
  const loraModel = new DitFlowMatching(c, { runtime: rt, base, lora: { modules, rank, alpha: rank } });
  const run = await train({
    model: loraModel,
    params: initLoraParams(declared, modules, rank, new TrainRng(2)),
    data: arrayDataset(loraData),
    steps: 200,
    batchSize: 4,
    optimizer: { lr: 1e-2, weightDecay: 0 },
    seed: 3,
  });
  await loraModel.dispose();
  assert.ok(
    [...run.params.keys()].every((k) => /\.lora_[AB]$/.test(k)),
    'only adapters are trained',
  );
  const lora = loraFromParams(run.params, modules, rank);

  const opts = { device: 'cpu' as const, threads: 1 };
  const plain = new Program(rt, opts);
  const fly = new LoraProgram(rt, opts, [{ lora, strength: 1 }]);
  const baseDit = new WanDiT(c, base, plain);
  const loraDit = new WanDiT(c, base, fly);
  const xr = new TrainRng(77);
  const evalSet = (ps: HostTensor[]) =>
    ps.flatMap((p) => [200, 500, 800].map((t) => ({ x: HostTensor.f32([4, 1, 4, 4], xr.normals(64)), context: p, t })));
  const change = async (ps: HostTensor[], other: WanDiT = loraDit): Promise<number> => {
    let num = 0;
    let den = 0;
    for (const s of evalSet(ps)) {
      const a = (await baseDit.forward([s])).outputs[0].data as Float32Array;
      const b = (await other.forward([s])).outputs[0].data as Float32Array;
      a.forEach((v, i) => {
        num += (v - b[i]) ** 2;
        den += v * v;
      });
    }
    return Math.sqrt(num / den);
  };
  try {
    const target = await change(targetPrompts);
    const kept = await change(otherPrompts);
    const heldOut = await change(
      [
        [1, 2, 3],
        [9, 8, 7],
        [15, 4, 12],
      ].map(prompt),
    );
    if (process.env.WANJS_TRAIN_VERBOSE) console.log({ target, kept, heldOut });
    assert.ok(target >= 0.5, `target prompts changed by ${target}`);
    assert.ok(kept <= 0.2, `base-data prompts changed by ${kept}`);
    assert.ok(heldOut <= 0.35, `held-out prompts changed by ${heldOut}`);

    // saved adapters reload in both namings and give the same outputs
    const dir = tempDir('lora-ft');
    const probe = evalSet(targetPrompts.slice(0, 1))[1];
    const ref = (await loraDit.forward([probe])).outputs[0].data as Float32Array;
    for (const style of ['diffusers', 'original'] as const) {
      const file = join(dir, `${style}.safetensors`);
      await writeLora(file, lora, { style });
      const back = await readLora(file);
      assert.equal(back.style, style);
      assert.deepEqual(back.issues, []);
      assert.equal(back.lora.modules.size, 4);
      const merged = mergeLoras(base, [{ lora: back.lora, strength: 1 }]);
      assert.equal(merged.applied.length, 4);
      const p = new Program(rt, opts);
      const out = (await new WanDiT(c, merged.weights, p).forward([probe])).outputs[0].data as Float32Array;
      await p.dispose();
      const err = ref.reduce((m, v, i) => Math.max(m, Math.abs(v - out[i])), 0);
      assert.ok(err < 1e-5, `${style}: reloaded LoRA output differs by ${err}`);
    }
  } finally {
    await plain.dispose();
    await fly.dispose();
  }
});
