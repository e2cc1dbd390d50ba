// Where an object is at time t. Motion is defined on t ∈ [0, 1] so a scene renders the same motion
// at any frame count: frame f of F is shown at t = f / (F - 1).
import { shapeExtent } from './geometry.js';
import type { ObjectState, SceneObject } from './scene.js';

/** Gap kept between an object's outline and the frame edge; bounce reflects there. */
export const EDGE_MARGIN = 0.01;

/** Largest distance from the centre to the outline over the clip, fraction of min(width, height). */
export function objectExtent(obj: SceneObject): number {
  return obj.radius * Math.max(obj.scaleFrom, obj.scaleTo) * shapeExtent(obj.shape);
}

/** The state of `obj` at time t ∈ [0, 1]. Positions are reflected at the walls (which only bounce
 * motions reach), so no object ever leaves the frame. */
export function objectStateAt(obj: SceneObject, t: number): ObjectState {
  const lo = objectExtent(obj) + EDGE_MARGIN;
  return {
    x: reflect(obj.x + obj.vx * t, lo, 1 - lo),
    y: reflect(obj.y + obj.vy * t, lo, 1 - lo),
    scale: obj.scaleFrom + (obj.scaleTo - obj.scaleFrom) * t,
    angle: obj.angle + obj.spin * t,
  };
}

/** Time of frame f in a clip of `frames` frames. */
export function frameTime(f: number, frames: number): number {
  return frames <= 1 ? 0 : f / (frames - 1);
}

/** Folds p into [lo, hi] as a ball bouncing between two walls would. */
function reflect(p: number, lo: number, hi: number): number {
  const span = hi - lo;
  if (span <= 0) return (lo + hi) / 2;
  let q = (p - lo) % (2 * span);
  if (q < 0) q += 2 * span;
  return lo + (q <= span ? q : 2 * span - q);
}
