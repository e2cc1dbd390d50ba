import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  BACKGROUNDS,
  COLOURS,
  createRng,
  datasetIterator,
  HELDOUT_TRIPLES,
  isHeldout,
  MOTIONS,
  objectExtent,
  objectStateAt,
  type Scene,
  SHAPES,
  SIZES,
  sampleScene,
} from '../../src/world/index.js';

const scenes = (seed: string, split: 'train' | 'heldout', count: number): Scene[] =>
  [...datasetIterator({ seed, split, count, render: false })].map((s) => s.scene);

test('held-out triples never appear on any object of 5,000 training samples', () => {
  const train = scenes('heldout-check', 'train', 5000);
  let objects = 0;
  for (const s of train) {
    for (const o of s.objects) {
      objects++;
      assert.ok(!isHeldout(o), `training sample shows held-out ${o.colour} ${o.shape} ${o.motion}`);
    }
  }
  assert.ok(objects > 5000, 'some samples have two objects');
  // Yet every colour, shape, motion, size and background on its own is present in training.
  const seen = new Set(
    train.flatMap((s) => [s.background, ...s.objects.flatMap((o) => [o.colour, o.shape, o.motion, o.size])]),
  );
  for (const w of [...COLOURS, ...SHAPES, ...MOTIONS, ...SIZES, ...BACKGROUNDS])
    assert.ok(seen.has(w), `${w} never drawn`);
});

test('held-out samples use only held-out triples and cover all of them', () => {
  assert.equal(HELDOUT_TRIPLES.length, 12);
  const seen = new Set<string>();
  for (const s of scenes('heldout-split', 'heldout', 600)) {
    for (const o of s.objects) {
      assert.ok(isHeldout(o), `held-out sample shows ${o.colour} ${o.shape} ${o.motion}`);
      seen.add(`${o.colour} ${o.shape} ${o.motion}`);
    }
  }
  assert.equal(seen.size, HELDOUT_TRIPLES.length);
});

test('objects stay inside the frame, two objects never touch and differ in colour, circles never rotate', () => {
  const rng = createRng('geometry');
  for (let i = 0; i < 400; i++) {
    const s = sampleScene(rng.fork(i), { split: i % 4 === 0 ? 'heldout' : 'train', objects: i % 2 === 0 ? 2 : 1 });
    for (const o of s.objects) {
      if (o.shape === 'circle') assert.notEqual(o.motion, 'rotate');
      const e = objectExtent(o);
      for (let k = 0; k <= 32; k++) {
        const st = objectStateAt(o, k / 32);
        for (const v of [st.x, st.y]) assert.ok(v - e >= 0 && v + e <= 1, `object leaves frame: ${v} ± ${e}`);
      }
    }
    if (s.objects.length === 2) {
      const [a, b] = s.objects;
      assert.notEqual(a.colour, b.colour);
      for (let k = 0; k <= 32; k++) {
        const p = objectStateAt(a, k / 32);
        const q = objectStateAt(b, k / 32);
        assert.ok(Math.hypot(p.x - q.x, p.y - q.y) > objectExtent(a) + objectExtent(b));
      }
    }
  }
});

test('sampling is deterministic and option-checked', () => {
  assert.deepEqual(sampleScene(createRng(5)), sampleScene(createRng(5)));
  assert.notDeepEqual(sampleScene(createRng(5)), sampleScene(createRng(6)));
  assert.equal(sampleScene(createRng(1), { objects: 2 }).objects.length, 2);
  assert.equal(sampleScene(createRng(1), { twoObjectRate: 0 }).objects.length, 1);
  assert.throws(() => sampleScene(createRng(1), { split: 'test' as 'train' }), /split must be 'train' or 'heldout'/);
  assert.throws(() => sampleScene(createRng(1), { twoObjectRate: 2 }), /twoObjectRate/);
});

test('motions have the documented kinematics', () => {
  const rng = createRng('kinematics');
  for (let i = 0; i < 300; i++) {
    const [o] = sampleScene(rng.fork(i), { objects: 1 }).objects;
    const a = objectStateAt(o, 0);
    const b = objectStateAt(o, 1);
    const mid = objectStateAt(o, 0.5);
    switch (o.motion) {
      case 'grow':
        assert.ok(b.scale > 1.8 * a.scale);
        break;
      case 'shrink':
        assert.ok(a.scale > 1.8 * b.scale);
        break;
      case 'rotate':
        assert.equal(Math.abs(b.angle - a.angle), Math.PI / 2);
        break;
      case 'bounce': {
        // Goes one way, then comes back part of the way: the net run is shorter than the path.
        const along = o.vx !== 0 ? 'x' : 'y';
        const path = Math.abs(o.vx + o.vy);
        assert.ok(Math.abs(b[along] - a[along]) < 0.5 * path, 'bounce reverses');
        assert.notEqual(mid[along], a[along]);
        break;
      }
      case 'still':
        assert.deepEqual(a, b);
        break;
      default: {
        const dx = b.x - a.x;
        const dy = b.y - a.y;
        assert.ok(Math.hypot(dx, dy) >= 0.25, `${o.motion} travels`);
        if (o.motion.includes('left')) assert.ok(dx < 0);
        if (o.motion.includes('right')) assert.ok(dx > 0);
        if (o.motion.includes('up')) assert.ok(dy < 0);
        if (o.motion.includes('down')) assert.ok(dy > 0);
      }
    }
  }
});
