// Widening a Wan2.1-topology VAE (src/builtin/vae-widen.ts): the widened encoder gives the
// narrow encoder's latents (added channels exactly zero), the duplicated decoder decodes
// them to the same video, on a multi-chunk clip so the temporal caches and the
// two-frame upsampling `time_conv` blocks are exercised; noise only touches the copies;
// a tensor that does not fit is an error naming it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initVaeParams } from '../../src/builtin/vae-init.js';
import { widenVaeDecoder, widenVaeEncoder } from '../../src/builtin/vae-widen.js';
import { HostTensor } from '../../src/engine/host-tensor.js';
import { Program } from '../../src/engine/program.js';
import { OrtNodeRuntime } from '../../src/engine/runtime/ort-node.js';
import { vaeConfigFromJson } from '../../src/models/wan/vae/config.js';
import { WanVae } from '../../src/models/wan/vae/model.js';
import { createRng, renderClip, sampleScene } from '../../src/world/index.js';
import { maxAbs, maxDiff } from './helpers.js';

const rt = new OrtNodeRuntime();
const z = 16;
const config = (dim: number) =>
  vaeConfigFromJson({ dim, z_dim: z, latents_mean: new Array(z).fill(0), latents_std: new Array(z).fill(1) }, '2.1');
const narrowCfg = config(4);
const wideCfg = config(8);

/** Random weights with every tap (history taps and gammas included) non-trivial. */
function narrowWeights(): Map<string, HostTensor> {
  const params = initVaeParams(WanVae.declaredParams(narrowCfg), 3);
  const rng = createRng('vae-widen-test');
  for (const [k, t] of params) {
    const d = Float32Array.from(t.data as Float32Array);
    for (let i = 0; i < d.length; i++) d[i] += 0.05 * (2 * rng.next() - 1) + (k.endsWith('.gamma') ? 0.3 : 0);
    params.set(k, HostTensor.f32(t.shape, d));
  }
  return params;
}

const scene = sampleScene(createRng('vae-widen-clip'), { objects: 1 });
const clip = renderClip(scene, { frames: 9, width: 16, height: 16 });
const x = HostTensor.f32([3, 9, 16, 16], clip.data);

test('widened encoder and duplicated decoder compute what the narrow VAE computes', async () => {
  const narrow = narrowWeights();
  const shapes = WanVae.declaredParams(wideCfg);
  const wide = new Map([...widenVaeEncoder(narrow, shapes), ...widenVaeDecoder(narrow, shapes, 0, 1)]);
  assert.equal(wide.size, shapes.size, 'every wide parameter is produced');
  // One Program for both widths on purpose: graph keys must tell VAEs of different sizes apart.
  const p = new Program(rt, { device: 'cpu', threads: 1, maxSessions: 8 });
  try {
    const a = new WanVae(narrowCfg, narrow, p);
    const b = new WanVae(wideCfg, wide, p);
    const za = await a.encode(x);
    const zb = await b.encode(x);
    assert.deepEqual(zb.shape, za.shape);
    const scale = maxAbs(za.data);
    assert.ok(scale > 0.01, `latents are not trivial (${scale})`);
    assert.ok(maxDiff(za.data, zb.data) < 1e-5 * Math.max(1, scale), `encode differs by ${maxDiff(za.data, zb.data)}`);
    const da = await a.decode(za);
    const db = await b.decode(za);
    const vs = maxAbs(da.data);
    assert.ok(vs > 0.01, `decoded video is not trivial (${vs})`);
    assert.ok(maxDiff(da.data, db.data) < 1e-4 * Math.max(1, vs), `decode differs by ${maxDiff(da.data, db.data)}`);

    // Noise changes only the copies (the copies can then diverge in training), and so the video.
    const exact = widenVaeDecoder(narrow, shapes, 0, 1);
    const noisy = widenVaeDecoder(narrow, shapes, 0.01, 7);
    const head0 = exact.get('decoder.head.2.weight')?.data as Float32Array;
    const head1 = noisy.get('decoder.head.2.weight')?.data as Float32Array;
    const per = 27; // 3×3×3 taps per (out, in) pair; 8 inputs, the last 4 are copies
    for (let o = 0; o < 3; o++) {
      for (let i = 0; i < 8; i++) {
        const a0 = head0.subarray((o * 8 + i) * per, (o * 8 + i + 1) * per);
        const a1 = head1.subarray((o * 8 + i) * per, (o * 8 + i + 1) * per);
        if (i < 4) assert.deepEqual(a1, a0, `head input ${i} is an original`);
        else assert.ok(maxDiff(a0, a1) > 0, `head input ${i} is a noisy copy`);
      }
    }
    const c = new WanVae(wideCfg, new Map([...widenVaeEncoder(narrow, shapes), ...noisy]), p);
    assert.ok(maxDiff(da.data, (await c.decode(za)).data) > 1e-6, 'noise changes the decoded video');
  } finally {
    await p.dispose();
  }
});

test('a tensor that does not fit the wider shapes is an error naming it', () => {
  const narrow = narrowWeights();
  const bad = new Map(narrow);
  bad.set('decoder.head.2.weight', HostTensor.f32([3, 5, 3, 3, 3], new Float32Array(3 * 5 * 27)));
  const shapes = WanVae.declaredParams(wideCfg);
  assert.throws(() => widenVaeDecoder(bad, shapes, 0, 1), /decoder\.head\.2\.weight.*\[3, 5, 3, 3, 3\]/);
  const missing = new Map(narrow);
  missing.delete('encoder.conv1.bias');
  assert.throws(() => widenVaeEncoder(missing, shapes), /encoder\.conv1\.bias.*nothing/);
});
