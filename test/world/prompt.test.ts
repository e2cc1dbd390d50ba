import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  BACKGROUND_WORDS,
  BACKGROUNDS,
  COLOUR_WORDS,
  COLOURS,
  createRng,
  datasetIterator,
  MOTION_WORDS,
  MOTIONS,
  motionsFor,
  PROMPT_TEMPLATES,
  promptFor,
  type Scene,
  type SceneObject,
  SHAPE_WORDS,
  SHAPES,
  SIZE_WORDS,
  SIZES,
  sampleScene,
} from '../../src/world/index.js';

/** A scene with the given attributes; positions do not matter to prompts. */
function sceneOf(objects: Partial<SceneObject>[], background: Scene['background'] = 'black', seed = 1): Scene {
  const base: SceneObject = {
    shape: 'circle',
    colour: 'red',
    size: 'small',
    motion: 'still',
    radius: 0.1,
    x: 0.5,
    y: 0.5,
    vx: 0,
    vy: 0,
    scaleFrom: 1,
    scaleTo: 1,
    angle: 0,
    spin: 0,
  };
  return { background, seed, objects: objects.map((o) => ({ ...base, ...o })) };
}

test('examples read as intended in both languages', () => {
  const one = sceneOf([{ colour: 'red', shape: 'circle', motion: 'right' }]);
  assert.match(promptFor(one, 'en', { template: 0 }), /^a red circle (moving right|sliding to the right)$/);
  assert.match(promptFor(one, 'zh', { template: 0 }), /^一个红色的圆形向右(移动|滑动)$/);
  const bounce = sceneOf([{ colour: 'blue', shape: 'square', size: 'small', motion: 'bounce' }], 'black');
  assert.match(
    promptFor(bounce, 'en', { template: 3 }),
    /^a small blue square bouncing( off the edge)? on a black background$/,
  );
  assert.match(promptFor(bounce, 'zh', { template: 3 }), /^黑色背景上一个小的蓝色正方形(在弹跳|碰到边缘后弹回)$/);
  const two = sceneOf([
    { colour: 'red', shape: 'circle', motion: 'left' },
    { colour: 'green', shape: 'triangle', motion: 'up' },
  ]);
  assert.match(
    promptFor(two, 'en', { template: 0 }),
    /^a red circle (moving|sliding to the) left and a green triangle (moving up|rising)$/,
  );
  assert.match(promptFor(two, 'zh', { template: 0 }), /^一个红色的圆形向左(移动|滑动)，一个绿色的三角形向上(移动|升)$/);
  assert.equal(promptFor(sceneOf([{ colour: 'orange' }]), 'en', { template: 0 }).slice(0, 10), 'an orange ');
});

test('every colour, shape, size, motion and background word appears in both languages', () => {
  for (const lang of ['en', 'zh'] as const) {
    for (const colour of COLOURS) {
      for (const shape of SHAPES) {
        for (const motion of motionsFor(shape)) {
          for (let seed = 0; seed < 4; seed++) {
            const p = promptFor(sceneOf([{ colour, shape, motion }], 'black', seed), lang);
            assert.ok(p.includes(COLOUR_WORDS[colour][lang]), `${p} lacks ${colour}`);
            assert.ok(p.includes(SHAPE_WORDS[shape][lang]), `${p} lacks ${shape}`);
            assert.ok(
              MOTION_WORDS[motion][lang].some((w) => p.includes(w)),
              `${p} lacks ${motion}`,
            );
          }
        }
      }
    }
    for (const size of SIZES) {
      assert.ok(promptFor(sceneOf([{ size }]), lang, { template: 1 }).includes(SIZE_WORDS[size][lang]));
    }
    for (const bg of BACKGROUNDS) {
      assert.ok(promptFor(sceneOf([{}], bg), lang, { template: 2 }).includes(BACKGROUND_WORDS[bg][lang]));
    }
    // Every motion variant is reachable through the seeded choice.
    for (const motion of MOTIONS) {
      const used = new Set<string>();
      for (let seed = 0; seed < 64; seed++)
        used.add(promptFor(sceneOf([{ shape: 'square', motion }], 'black', seed), lang));
      for (const w of MOTION_WORDS[motion][lang])
        assert.ok(
          [...used].some((p) => p.includes(w)),
          `${w} never used`,
        );
    }
  }
});

test('template choice is deterministic per scene and language, and all templates are used', () => {
  const rng = createRng('prompts');
  const used = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const s = sampleScene(rng.fork(i));
    assert.equal(promptFor(s, 'en'), promptFor(s, 'en'));
    assert.equal(promptFor(s, 'zh'), promptFor(s, 'zh'));
    const p = promptFor(s, 'en');
    used.add(`${p.includes(' on a ')}/${SIZES.some((z) => p.includes(` ${SIZE_WORDS[z].en} `))}`);
  }
  assert.equal(used.size, PROMPT_TEMPLATES);
  assert.throws(() => promptFor(sceneOf([{}]), 'fr' as 'en'), /lang must be 'en' or 'zh'/);
  assert.throws(() => promptFor(sceneOf([{}]), 'en', { template: 9 }), /template must be an integer/);
});

test('data set prompts follow the languages option', () => {
  const zh = [...datasetIterator({ seed: 3, count: 30, languages: ['zh'], render: false })];
  assert.ok(zh.every((s) => s.lang === 'zh' && /^[\p{Script=Han}，]+$/u.test(s.prompt)));
  const both = [...datasetIterator({ seed: 3, count: 60, render: false })];
  assert.ok(both.some((s) => s.lang === 'en') && both.some((s) => s.lang === 'zh'));
  assert.ok(both.filter((s) => s.lang === 'en').every((s) => /^[a-z -]+$/.test(s.prompt)));
});
