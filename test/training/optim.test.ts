// Trainer building blocks: AdamW, the LR schedule, clipping, name patterns, data
// order and the RNG's saved state.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HostTensor } from '../../src/engine/host-tensor.js';
import { adamwStep } from '../../src/training/adamw.js';
import { epochPermutation, nextIndices } from '../../src/training/data-order.js';
import { clipFactor, globalNorm } from '../../src/training/grad-math.js';
import { compilePattern, selectTrainable } from '../../src/training/patterns.js';
import { TrainRng } from '../../src/training/rng.js';
import { lrAt } from '../../src/training/schedule.js';

test('AdamW matches the PyTorch algorithm (bias correction, decoupled weight decay)', () => {
  const cfg = { lr: 0.1, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.5 };
  const params = new Map([['w', HostTensor.f32([2], [1, -2])]]);
  const state = { m: new Map<string, Float32Array>(), v: new Map<string, Float32Array>() };
  const gs = [
    [0.5, 1],
    [-0.25, 2],
    [1, -1],
  ];
  // reference in float64 with float32 rounding of stored values
  let p = [1, -2];
  let m = [0, 0];
  let v = [0, 0];
  gs.forEach((g, k) => {
    const t = k + 1;
    adamwStep(params, new Map([['w', HostTensor.f32([2], g)]]), state, cfg, cfg.lr, t);
    p = p.map((pi, i) => {
      m[i] = Math.fround(cfg.beta1 * m[i] + (1 - cfg.beta1) * g[i]);
      v[i] = Math.fround(cfg.beta2 * v[i] + (1 - cfg.beta2) * g[i] * g[i]);
      const mh = m[i] / (1 - cfg.beta1 ** t);
      const vh = v[i] / (1 - cfg.beta2 ** t);
      return Math.fround(pi * (1 - cfg.lr * cfg.weightDecay) - (cfg.lr * mh) / (Math.sqrt(vh) + cfg.eps));
    });
    m = [...m];
    v = [...v];
  });
  const got = Array.from((params.get('w') as HostTensor).data as Float32Array);
  for (const [i, x] of got.entries()) assert.ok(Math.abs(x - p[i]) < 1e-6, `w[${i}] = ${x}, expected ${p[i]}`);
  // the first bias-corrected step moves each weight by ~lr (sign of the gradient)
  const q = new Map([['w', HostTensor.f32([1], [0])]]);
  adamwStep(
    q,
    new Map([['w', HostTensor.f32([1], [3])]]),
    { m: new Map(), v: new Map() },
    { lr: 0.01, weightDecay: 0 },
    0.01,
    1,
  );
  assert.ok(Math.abs(((q.get('w') as HostTensor).data as Float32Array)[0] + 0.01) < 1e-7);
  // weight decay is decoupled: zero gradient still shrinks the weight by lr·wd
  const z = new Map([['w', HostTensor.f32([1], [2])]]);
  adamwStep(
    z,
    new Map([['w', HostTensor.f32([1], [0])]]),
    { m: new Map(), v: new Map() },
    { lr: 0.1, weightDecay: 0.5 },
    0.1,
    1,
  );
  assert.ok(Math.abs(((z.get('w') as HostTensor).data as Float32Array)[0] - 2 * 0.95) < 1e-6);
});

test('warm-up then cosine decay to minLr', () => {
  const s = { lr: 1, warmupSteps: 4, minLr: 0.1, decay: 'cosine' as const };
  assert.equal(lrAt(0, s, 14), 0.25);
  assert.equal(lrAt(3, s, 14), 1);
  assert.ok(Math.abs(lrAt(4, s, 14) - 1) < 1e-12);
  assert.ok(Math.abs(lrAt(9, s, 14) - 0.55) < 1e-12, 'half way: (1 + 0.1) / 2');
  assert.ok(Math.abs(lrAt(14, s, 14) - 0.1) < 1e-12);
  assert.equal(lrAt(5, { lr: 0.3 }, 10), 0.3 * 0.5 * (1 + Math.cos((Math.PI * 5) / 10)));
  assert.equal(lrAt(7, { lr: 0.3, decay: 'constant' }, 10), 0.3);
});

test('global-norm clipping as torch.nn.utils.clip_grad_norm_', () => {
  const g = new Map([
    ['a', Float32Array.of(3, 0)],
    ['b', Float32Array.of(0, 4)],
  ]);
  assert.equal(globalNorm(g), 5);
  assert.equal(clipFactor(5, 10), 1);
  assert.ok(Math.abs(clipFactor(5, 1) - 1 / (5 + 1e-6)) < 1e-15);
  assert.equal(clipFactor(5, undefined), 1);
});

test('freezing by glob and regex patterns', () => {
  const names = [
    'blocks.0.self_attn.q.weight',
    'blocks.0.ffn.0.bias',
    'blocks.1.self_attn.q.weight',
    'head.head.weight',
  ];
  assert.ok(compilePattern('blocks.*.self_attn.q.weight').test('blocks.12.self_attn.q.weight'));
  assert.ok(!compilePattern('blocks.*.weight').test('blocks.0.self_attn.q.weight'), '* stays within a segment');
  assert.ok(compilePattern('blocks.**.weight').test('blocks.0.self_attn.q.weight'), '** crosses segments');
  assert.deepEqual([...selectTrainable(names, undefined, ['blocks.0.**'])], names.slice(2));
  assert.deepEqual([...selectTrainable(names, ['/self_attn/'], ['blocks.1.**'])], [names[0]]);
  assert.throws(() => selectTrainable(names, ['nothing.*'], undefined), /matches no parameter/);
});

test('data order: a seeded permutation per epoch, resumable from the cursor', () => {
  const p0 = epochPermutation(10, 5, 0);
  assert.deepEqual(
    [...p0].sort((a, b) => a - b),
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  );
  assert.deepEqual(p0, epochPermutation(10, 5, 0));
  assert.notDeepEqual(p0, epochPermutation(10, 5, 1));
  const all = nextIndices(10, 5, { epoch: 0, position: 0 }, 25);
  const a = nextIndices(10, 5, { epoch: 0, position: 0 }, 13);
  const b = nextIndices(10, 5, a.cursor, 12);
  assert.deepEqual([...a.indices, ...b.indices], all.indices);
  assert.deepEqual(b.cursor, { epoch: 2, position: 5 });
});

test('RNG state round-trips exactly, mid Box–Muller pair included', () => {
  const r = new TrainRng(42);
  r.normal();
  const copy = TrainRng.fromState(JSON.parse(JSON.stringify(r.state())));
  const a = [r.normal(), r.uniform(), r.int(7), r.normal(), r.normal()];
  const b = [copy.normal(), copy.uniform(), copy.int(7), copy.normal(), copy.normal()];
  assert.deepEqual(a, b);
  assert.notDeepEqual(new TrainRng(1).normals(4), new TrainRng(2).normals(4));
});
