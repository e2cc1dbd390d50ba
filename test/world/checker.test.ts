import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import {
  analyzeClip,
  type Clip,
  datasetIterator,
  diversity,
  renderClip,
  type Scene,
  type SceneObject,
  scoreClip,
  temporalFlicker,
} from '../../src/world/index.js';
import { addNoise, blur3 } from './degrade.js';

interface Tally {
  n: number;
  colour: number;
  shape: number;
  motion: number;
  misses: string[];
}

/** Scores `count` data-set samples, optionally corrupted, and tallies per-object verdicts. */
function tally(
  seed: string,
  count: number,
  objects: 1 | 2,
  corrupt?: (c: Clip, i: number) => Clip,
  split: 'train' | 'heldout' = 'train',
): Tally {
  const t: Tally = { n: 0, colour: 0, shape: 0, motion: 0, misses: [] };
  for (const item of datasetIterator({ seed, split, count, objects })) {
    const clip = corrupt ? corrupt(item.clip!, item.index) : item.clip!;
    for (const o of scoreClip(clip, item.scene).objects) {
      t.n++;
      t.colour += Number(o.colourOk);
      t.shape += Number(o.shapeOk);
      t.motion += Number(o.motionOk);
      if (!(o.colourOk && o.shapeOk && o.motionOk)) {
        t.misses.push(`#${item.index} ${o.colour} ${o.shape} ${o.motion} -> ${o.found?.shape} ${o.found?.motion}`);
      }
    }
  }
  return t;
}

function report(t: TestContext, name: string, r: Tally): { colour: number; shape: number; motion: number } {
  const pct = (k: number) => (100 * k) / r.n;
  const acc = { colour: pct(r.colour), shape: pct(r.shape), motion: pct(r.motion) };
  t.diagnostic(
    `${name}: ${r.n} objects, colour ${acc.colour.toFixed(1)}%, shape ${acc.shape.toFixed(1)}%, motion ${acc.motion.toFixed(1)}%`,
  );
  for (const m of r.misses.slice(0, 5)) t.diagnostic(`  miss ${m}`);
  return acc;
}

test('checker on rendered single-object clips: colour ≥ 99 %, shape ≥ 95 %, motion ≥ 95 %', (t) => {
  const acc = report(t, 'single', tally('checker-single', 300, 1));
  assert.ok(acc.colour >= 99, `colour ${acc.colour}`);
  assert.ok(acc.shape >= 95, `shape ${acc.shape}`);
  assert.ok(acc.motion >= 95, `motion ${acc.motion}`);
});

test('checker on rendered two-object and held-out clips: ≥ 95 % on each count', (t) => {
  for (const [name, r] of [
    ['two objects', tally('checker-two', 80, 2)],
    ['held-out', tally('checker-heldout', 48, 1, undefined, 'heldout')],
  ] as const) {
    const acc = report(t, name, r);
    for (const [k, v] of Object.entries(acc)) assert.ok(v >= 95, `${name} ${k} ${v}`);
  }
});

test('checker is robust to mild blur and noise: ≥ 90 % agreement', (t) => {
  const corrupt = (c: Clip, i: number) => addNoise(blur3(c), 0.05, `noise-${i}`);
  const acc = report(t, 'blur + noise σ=0.05', tally('checker-robust', 120, 1, corrupt));
  for (const [k, v] of Object.entries(acc)) assert.ok(v >= 90, `${k} ${v}`);
  const acc2 = report(
    t,
    'noise σ=0.1',
    tally('checker-noisy', 40, 1, (c, i) => addNoise(c, 0.1, `n-${i}`)),
  );
  for (const [k, v] of Object.entries(acc2)) assert.ok(v >= 90, `${k} ${v}`);
});

test('scoreClip says no when the clip does not match the scene', () => {
  const [item] = [...datasetIterator({ seed: 'mismatch', count: 1, objects: 1 })];
  const obj = item.scene.objects[0];
  const ok = scoreClip(item.clip!, item.scene);
  assert.ok(ok.colourOk && ok.shapeOk && ok.motionOk);
  assert.deepEqual(ok.extraColours, []);
  const other = (patch: Partial<SceneObject>): Scene => ({ ...item.scene, objects: [{ ...obj, ...patch }] });
  const wrongColour = scoreClip(item.clip!, other({ colour: obj.colour === 'red' ? 'green' : 'red' }));
  assert.ok(!wrongColour.colourOk && !wrongColour.shapeOk && !wrongColour.motionOk);
  assert.deepEqual(wrongColour.extraColours, [obj.colour]);
  assert.ok(!scoreClip(item.clip!, other({ shape: obj.shape === 'square' ? 'circle' : 'square' })).shapeOk);
  assert.ok(!scoreClip(item.clip!, other({ motion: obj.motion === 'still' ? 'rotate' : 'still' })).motionOk);
});

test('analysis reports tracks and features that match the scene', () => {
  const [item] = [...datasetIterator({ seed: 'track', count: 1, objects: 1, frames: 9 })];
  const a = analyzeClip(item.clip!);
  assert.equal(a.objects.length, 1);
  const o = a.objects[0];
  assert.equal(o.track.length, 9);
  assert.ok(o.shapeFeatures.scores[o.shape] > 0.8, `best IoU ${o.shapeFeatures.scores[o.shape]}`);
  assert.ok(o.shapeFeatures.fillRatio > 0 && o.shapeFeatures.fillRatio <= 1);
  // Blank clips have no objects.
  const blank = renderClip({ background: 'navy', seed: 0, objects: [] }, { frames: 3 });
  assert.deepEqual(analyzeClip(blank).objects, []);
});

test('temporal flicker is zero on rendered clips and grows with per-frame noise', () => {
  const items = [...datasetIterator({ seed: 'flicker', count: 4, objects: 1 })];
  for (const it of items) {
    const f = temporalFlicker(it.clip!);
    assert.equal(f.background, 0);
    assert.ok(f.whole >= 0 && f.whole < 0.05);
  }
  const noisy = temporalFlicker(addNoise(items[0].clip!, 0.05, 'flicker'));
  // E|X - Y| for two independent N(0, σ²) is 2σ/√π ≈ 0.056 (less where clamping at -1 bites).
  assert.ok(noisy.background > 0.02 && noisy.background < 0.07, `noisy flicker ${noisy.background}`);
});

test('diversity is zero for copies and positive across seeds', () => {
  const clips = [...datasetIterator({ seed: 'div', count: 6, objects: 1, frames: 5 })].map((s) => s.clip!);
  const d = diversity(clips);
  assert.ok(d.firstFrame > 0.05, `first-frame diversity ${d.firstFrame}`);
  assert.ok(d.centroid > 0.1, `centroid diversity ${d.centroid}`);
  const same = diversity([clips[0], clips[0], clips[0]]);
  assert.equal(same.firstFrame, 0);
  assert.equal(same.centroid, 0);
  assert.throws(
    () => diversity([clips[0], renderClip({ background: 'black', seed: 0, objects: [] }, { width: 32 })]),
    /32x64/,
  );
});
