// The joint text-encoder + DiT training graph computes what inference computes: its
// loss equals the one from the pipeline's path (Umt5Encoder with trimmed prompts,
// then WanDiT.forward with the context zero-padded to text_len and per-token
// timesteps, 0 on a conditioning first frame), and its gradients reach the text
// encoder's weights.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildJointLossGraph } from '../../src/builtin/joint-graph.js';
import { initJointParams, isTextParam } from '../../src/builtin/joint-init.js';
import { builtinTokenizer } from '../../src/builtin/tokenizer.js';
import { HostTensor } from '../../src/engine/host-tensor.js';
import { Program } from '../../src/engine/program.js';
import { OrtNodeRuntime } from '../../src/engine/runtime/ort-node.js';
import { ditConfigFromJson } from '../../src/models/wan/dit/config.js';
import { WanDiT } from '../../src/models/wan/dit/model.js';
import { sinusoidalEmbedding } from '../../src/models/wan/dit/time-embedding.js';
import { validateUmt5Config } from '../../src/models/wan/umt5/config.js';
import { Umt5Encoder } from '../../src/models/wan/umt5/model.js';
import { perTokenTimesteps } from '../../src/pipelines/denoise.js';
import { Umt5PromptTokenizer } from '../../src/tokenizers/umt5-prompt-tokenizer.js';
import { GradRunner } from '../../src/training/grad-runner.js';
import { TrainRng } from '../../src/training/rng.js';

const rt = new OrtNodeRuntime();
const tok = builtinTokenizer();
const text = validateUmt5Config({
  vocab: tok.vocabSize,
  dim: 16,
  dimAttn: 16,
  dimFfn: 32,
  numHeads: 2,
  numLayers: 2,
  numBuckets: 8,
  sharedPos: false,
  maxDistance: 128,
  eps: 1e-6,
});
const dit = ditConfigFromJson({
  model_type: 'ti2v',
  in_dim: 4,
  out_dim: 4,
  dim: 32,
  ffn_dim: 64,
  num_heads: 2,
  num_layers: 2,
  text_dim: 16,
  text_len: 12,
  freq_dim: 16,
  patch_size: [1, 2, 2],
});
const grid: [number, number, number] = [3, 4, 4];
const seqLen = 3 * 2 * 2;

test('joint graph loss = inference path (trimmed UMT5 contexts, zero-padded, per-token timesteps with an i2v first frame)', async () => {
  const params = initJointParams(text, dit, 7);
  // perturb the zero-initialised head so outputs are not trivially zero
  const head = params.get('head.head.weight') as HostTensor;
  params.set('head.head.weight', HostTensor.f32(head.shape, new TrainRng(3).normals(head.size)));
  const prompts = ['a red circle moving right', '一个蓝色的正方形在旋转'];
  const i2v = [false, true];
  const ts = [731.5, 212.25];
  const rng = new TrainRng(11);
  const n = 4 * 3 * 4 * 4;
  const xs = prompts.map(() => rng.normals(n));
  const targets = prompts.map(() => rng.normals(n));
  const plane = 16;
  const weights = i2v.map((c) => {
    const w = new Float32Array(3 * plane).fill(1);
    if (c) {
      w.fill(0, 0, plane);
      w.fill(1.5, plane);
    }
    return w;
  });

  // inference path
  const program = new Program(rt, { device: 'cpu', threads: 1, maxSessions: 8 });
  const textW = new Map([...params].filter(([k]) => isTextParam(k, text)));
  const ditW = new Map([...params].filter(([k]) => !isTextParam(k, text)));
  assert.equal(textW.size + ditW.size, params.size);
  const enc = new Umt5Encoder(text, textW, program);
  const pt = new Umt5PromptTokenizer(tok, { maxLength: 64 });
  const model = new WanDiT(dit, ditW, program);
  let want = 0;
  for (let b = 0; b < 2; b++) {
    const e = pt.encode(prompts[b]);
    const r = await enc.encode(new HostTensor('int32', [1, 64], e.ids), new HostTensor('int32', [1, 64], e.mask), {
      trimPadding: true,
    });
    const t = perTokenTimesteps(ts[b], grid, dit.patchSize, i2v[b]);
    const out = (await model.forward([{ x: HostTensor.f32([4, ...grid], xs[b]), context: r.contexts[0], t }]))
      .outputs[0].data as Float32Array;
    let s = 0;
    for (let k = 0; k < n; k++) s += weights[b][k % (3 * plane)] * (out[k] - targets[b][k]) ** 2;
    want += s / n / 2;
  }

  // training path
  const L = dit.textLen;
  const ids = new BigInt64Array(2 * L);
  const mask = new BigInt64Array(2 * L);
  const keep = new Float32Array(2 * L);
  prompts.forEach((p, b) => {
    const e = new Umt5PromptTokenizer(tok, { maxLength: L }).encode(p);
    for (let j = 0; j < L; j++) {
      ids[b * L + j] = BigInt(e.ids[j]);
      mask[b * L + j] = BigInt(e.mask[j]);
      keep[b * L + j] = e.mask[j];
    }
  });
  const tIndex = new BigInt64Array(2 * seqLen);
  tIndex.fill(0n, 0, seqLen);
  tIndex.fill(1n, seqLen);
  tIndex.fill(2n, seqLen, seqLen + 4); // i2v first-frame tokens → timestep 0
  const inputs: Record<string, HostTensor> = {
    ids: new HostTensor('int64', [2, L], ids),
    mask: new HostTensor('int64', [2, L], mask),
    keep: HostTensor.f32([2, L, 1], keep),
    t_freq: HostTensor.f32([3, dit.freqDim], sinusoidalEmbedding(dit.freqDim, [...ts, 0])),
    t_index: new HostTensor('int64', [2, seqLen], tIndex),
  };
  for (let b = 0; b < 2; b++) {
    inputs[`x${b}`] = HostTensor.f32([1, 4, ...grid], xs[b]);
    inputs[`target${b}`] = HostTensor.f32([4, ...grid], targets[b]);
    inputs[`weight${b}`] = HostTensor.f32([1, ...grid], weights[b]);
  }
  const runner = new GradRunner(rt, { device: 'cpu', threads: 1 });
  const trainable = new Set(params.keys());
  const got = await runner.run(
    'joint',
    (g) => buildJointLossGraph(g, text, dit, { batch: 2, grid, seqLen }),
    inputs,
    params,
    trainable,
  );
  assert.ok(Math.abs(got.loss - want) < 1e-5 * Math.max(1, want), `training loss ${got.loss} vs inference ${want}`);
  // gradients reach the text encoder (embedding rows of used tokens, every block)
  for (const name of [
    'token_embedding.weight',
    'blocks.0.attn.q.weight',
    'blocks.1.ffn.fc2.weight',
    'text_embedding.0.weight',
  ]) {
    const g = got.grads.get(name)?.data as Float32Array;
    assert.ok(
      g?.some((v) => v !== 0),
      `no gradient for ${name}`,
    );
  }
  await runner.dispose();
  await program.dispose();
});
