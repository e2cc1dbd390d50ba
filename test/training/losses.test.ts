// Loss functions: the flow-matching training pair, and finite-difference checks
// of the L1 / L2 / VAE (reconstruction + KL) losses as graphs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gradCheck } from '../../src/engine/autograd/grad-check.js';
import { encodeGraph } from '../../src/engine/graph/encode-onnx.js';
import { Graph } from '../../src/engine/graph/graph.js';
import { HostTensor } from '../../src/engine/host-tensor.js';
import { OrtNodeRuntime } from '../../src/engine/runtime/ort-node.js';
import { shiftSigma } from '../../src/schedulers/flow-shift.js';
import { flowMatchingPair, gaussianKl, l1Loss, mseLoss, vaeLoss } from '../../src/training/losses.js';
import { TrainRng } from '../../src/training/rng.js';
import { uniform } from '../autograd/helpers.js';

const rt = new OrtNodeRuntime();

test('flow-matching pair: x_t = (1 − σ)x0 + σn, v = n − x0, σ = S(s), t = 1000σ', () => {
  const x0 = Float32Array.of(1, -2, 0.5, 3);
  const pair = flowMatchingPair(x0, new TrainRng(4), 3);
  const r = new TrainRng(4);
  const sigma = shiftSigma(r.uniform(), 3);
  const n = [r.normal(), r.normal(), r.normal(), r.normal()];
  assert.equal(pair.sigma, sigma);
  assert.equal(pair.t, 1000 * sigma);
  x0.forEach((v, i) => {
    assert.equal(pair.xt[i], Math.fround((1 - sigma) * v + sigma * n[i]));
    assert.equal(pair.target[i], Math.fround(n[i] - v));
  });
  // shift > 1 moves σ towards 1: the median of S(U) is S(½) = shift/(1 + shift)
  const rr = new TrainRng(1);
  const sig = Array.from({ length: 4001 }, () => flowMatchingPair(Float32Array.of(0), rr, 3).sigma).sort(
    (a, b) => a - b,
  );
  assert.ok(Math.abs(sig[2000] - 0.75) < 0.02, `median σ ${sig[2000]}`);
});

test('loss values: L2, L1, KL, VAE', async () => {
  const g = new Graph();
  const p = g.input('p', 'float32', [2, 2]);
  const q = g.input('q', 'float32', [2, 2]);
  g.output('l2', mseLoss(p, q));
  g.output('l1', l1Loss(p, q));
  g.output('kl', gaussianKl(p, q, 2));
  g.output('vae', vaeLoss(p, q, p, q, { reconstruction: 'l1', klWeight: 0.5 }));
  const s = await rt.createSession(encodeGraph(g), { device: 'cpu', threads: 1 });
  const pv = [1, 2, -1, 0.5];
  const qv = [0, 2, 1, -0.5];
  const r = await s.run({ p: HostTensor.f32([2, 2], pv), q: HostTensor.f32([2, 2], qv) });
  await s.dispose();
  const l2 = pv.reduce((a, v, i) => a + (v - qv[i]) ** 2, 0) / 4;
  const l1 = pv.reduce((a, v, i) => a + Math.abs(v - qv[i]), 0) / 4;
  const kl = (-0.5 * pv.reduce((a, m, i) => a + 1 + qv[i] - m * m - Math.exp(qv[i]), 0)) / 2;
  const close = (name: string, want: number): void => {
    const got = (r[name].data as Float32Array)[0];
    assert.ok(Math.abs(got - want) < 1e-5 * Math.max(1, Math.abs(want)), `${name}: ${got} vs ${want}`);
  };
  close('l2', l2);
  close('l1', l1);
  close('kl', kl);
  close('vae', l1 + (0.5 * kl * 2) / 4);
});

test('gradients of the L2 and VAE losses (float64 finite differences)', async () => {
  const feeds = {
    recon: uniform([2, 3], 1),
    x: uniform([2, 3], 2),
    mean: uniform([2, 2], 3),
    logvar: uniform([2, 2], 4, -1, 0.5),
  };
  const res = await gradCheck(rt, {
    build: (g) => {
      const t = Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, g.input(k, 'float32', v.shape)]));
      const loss = vaeLoss(t.recon, t.x, t.mean, t.logvar, { reconstruction: 'l2', klWeight: 0.3 });
      return { loss, wrt: Object.values(t) };
    },
    feeds,
  });
  for (const r of res) assert.ok(r.coordError < 1e-6 && r.directionError < 1e-6, `${r.name}: ${r.coordError}`);
});
