// Random scenes. Every draw comes from the Rng passed in, so a scene is a pure function of its key.
import { InputError, WanError } from '../engine/errors.js';
import { shapeExtent } from './geometry.js';
import { HELDOUT_TRIPLES, isHeldout, type Triple } from './heldout.js';
import type { Rng } from './rng.js';
import type { Scene, SceneObject } from './scene.js';
import { EDGE_MARGIN, objectExtent, objectStateAt } from './trajectory.js';
import {
  BACKGROUNDS,
  COLOURS,
  type ColourName,
  MOTIONS,
  type MotionName,
  SHAPES,
  type ShapeName,
  SIZE_RADIUS,
  SIZES,
  type SizeName,
} from './vocab.js';

/** Which part of the data: `train` never shows a held-out triple, `heldout` shows only those. */
export type Split = 'train' | 'heldout';

export interface SampleSceneOptions {
  readonly split?: Split;
  /** Force one or two objects; when absent, two objects appear with probability `twoObjectRate`. */
  readonly objects?: 1 | 2;
  /** Probability of a two-object scene when `objects` is absent (default 0.3). */
  readonly twoObjectRate?: number;
}

/** Scale range of grow (reversed for shrink): the area changes by (1/0.55)² ≈ 3.3×. */
const GROW_FROM = 0.55;
/** Extra gap between an object's placement region and the bounce wall. */
const PLACE_MARGIN = 0.01;
/** Minimum gap between the outlines of two objects at every instant. */
const OBJECT_GAP = 0.03;

/** Motions a shape can take: a rotating circle looks still, so the circle never rotates. */
export function motionsFor(shape: ShapeName): readonly MotionName[] {
  return shape === 'circle' ? MOTIONS.filter((m) => m !== 'rotate') : MOTIONS;
}

/** Draws a scene. Two-object scenes have distinct colours and objects that never touch. */
export function sampleScene(rng: Rng, options: SampleSceneOptions = {}): Scene {
  const split = options.split ?? 'train';
  if (split !== 'train' && split !== 'heldout') {
    throw new InputError(`sampleScene: split must be 'train' or 'heldout', found '${String(split)}'`);
  }
  const rate = options.twoObjectRate ?? 0.3;
  if (!(rate >= 0 && rate <= 1)) throw new InputError(`sampleScene: twoObjectRate must be in [0, 1], found ${rate}`);
  if (options.objects !== undefined && options.objects !== 1 && options.objects !== 2) {
    throw new InputError(`sampleScene: objects must be 1 or 2, found ${String(options.objects)}`);
  }
  const count = options.objects ?? (rng.bool(rate) ? 2 : 1);
  const background = rng.pick(BACKGROUNDS);
  const seed = rng.nextU32();
  const first = sampleObject(rng, split, []);
  if (count === 1) return { background, objects: [first], seed };
  // Keep the first object for a while (so its draw is not biased towards small, still objects),
  // then redraw both. In practice a fit is found within a few tries.
  for (let attempt = 0; attempt < 1000; attempt++) {
    const a = attempt < 40 ? first : sampleObject(rng, split, []);
    for (let tries = 0; tries < 30; tries++) {
      const b = sampleObject(rng, split, [a.colour]);
      if (!touches(a, b)) return { background, objects: [a, b], seed };
    }
  }
  throw new WanError('E_WORLD', `sampleScene: no two non-touching objects found for rng '${rng.key}'`);
}

function sampleObject(rng: Rng, split: Split, usedColours: readonly ColourName[]): SceneObject {
  const triple = sampleTriple(rng, split, usedColours);
  return placeObject(rng, triple, rng.pick(SIZES));
}

function sampleTriple(rng: Rng, split: Split, usedColours: readonly ColourName[]): Triple {
  if (split === 'heldout') return rng.pick(HELDOUT_TRIPLES.filter((t) => !usedColours.includes(t.colour)));
  const colours = COLOURS.filter((c) => !usedColours.includes(c));
  for (;;) {
    const shape = rng.pick(SHAPES);
    const triple = { colour: rng.pick(colours), shape, motion: rng.pick(motionsFor(shape)) };
    if (!isHeldout(triple)) return triple;
  }
}

/** Gives the triple a size, a start and a motion that keep it inside the frame for t ∈ [0, 1]. */
function placeObject(rng: Rng, triple: Triple, size: SizeName): SceneObject {
  const { shape, motion } = triple;
  const radius = SIZE_RADIUS[size];
  const scaleFrom = motion === 'grow' ? GROW_FROM : 1;
  const scaleTo = motion === 'shrink' ? GROW_FROM : 1;
  const wall = radius * shapeExtent(shape) + EDGE_MARGIN;
  const lo = wall + PLACE_MARGIN;
  const hi = 1 - lo;
  const base = { ...triple, size, radius, scaleFrom, scaleTo, angle: 0, spin: 0, vx: 0, vy: 0 };
  const anywhere = () => rng.range(lo, hi);
  const [dx, dy] = headingOf(motion);
  if (dx !== 0 || dy !== 0) {
    const span = hi - lo;
    const diagonal = dx !== 0 && dy !== 0;
    const d = Math.min(diagonal ? rng.range(0.25, 0.38) : rng.range(0.35, 0.5), span);
    const start = (dir: number) => (dir > 0 ? rng.range(lo, hi - d) : dir < 0 ? rng.range(lo + d, hi) : anywhere());
    const x = start(dx);
    const y = start(dy);
    return { ...base, x, y, vx: dx * d, vy: dy * d };
  }
  if (motion === 'bounce') {
    // One reflection, somewhere in the middle of the clip, then a return run shorter than the span.
    const wallSpan = 1 - 2 * wall;
    const speed = wallSpan * rng.range(0.9, 1.4);
    const tHit = rng.range(0.35, 0.65);
    const dir = rng.bool() ? 1 : -1;
    const along = dir > 0 ? 1 - wall - speed * tHit : wall + speed * tHit;
    const across = anywhere();
    return rng.bool()
      ? { ...base, x: along, y: across, vx: dir * speed }
      : { ...base, x: across, y: along, vy: dir * speed };
  }
  const spin = motion === 'rotate' ? (rng.bool() ? 1 : -1) * (Math.PI / 2) : 0;
  return { ...base, x: anywhere(), y: anywhere(), spin };
}

/** Unit heading of the straight and diagonal motions; [0, 0] for the others. y points down. */
export function headingOf(motion: MotionName): readonly [number, number] {
  switch (motion) {
    case 'left':
      return [-1, 0];
    case 'right':
      return [1, 0];
    case 'up':
      return [0, -1];
    case 'down':
      return [0, 1];
    case 'up-left':
      return [-1, -1];
    case 'up-right':
      return [1, -1];
    case 'down-left':
      return [-1, 1];
    case 'down-right':
      return [1, 1];
    default:
      return [0, 0];
  }
}

/** Whether two objects come closer than OBJECT_GAP at any of a dense set of instants. */
function touches(a: SceneObject, b: SceneObject): boolean {
  const minDist = objectExtent(a) + objectExtent(b) + OBJECT_GAP;
  for (let i = 0; i <= 64; i++) {
    const t = i / 64;
    const sa = objectStateAt(a, t);
    const sb = objectStateAt(b, t);
    if (Math.hypot(sa.x - sb.x, sa.y - sb.y) < minDist) return true;
  }
  return false;
}
