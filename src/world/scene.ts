// The scene model: what a clip shows, independent of resolution and frame count. Positions are
// normalized to the frame ([0, 1] on each axis, y pointing down); lengths are fractions of
// min(width, height); time runs from t = 0 (first frame) to t = 1 (last frame).
import type { BackgroundName, ColourName, MotionName, ShapeName, SizeName } from './vocab.js';

/** One object and its motion. `x, y, scale, angle` are the values at t = 0; the rest say how they change. */
export interface SceneObject {
  readonly shape: ShapeName;
  readonly colour: ColourName;
  readonly size: SizeName;
  readonly motion: MotionName;
  /** Radius of the equal-area circle at scale 1, fraction of min(width, height). */
  readonly radius: number;
  /** Centre at t = 0, normalized. */
  readonly x: number;
  readonly y: number;
  /** Displacement over the whole clip, normalized; bounce reflects it at the edges. */
  readonly vx: number;
  readonly vy: number;
  /** Scale at t = 0 and t = 1 (linear in between); 1 except for grow and shrink. */
  readonly scaleFrom: number;
  readonly scaleTo: number;
  /** Orientation at t = 0 in radians (0: square axis-aligned, triangle and star pointing up). */
  readonly angle: number;
  /** Turn over the whole clip in radians; positive is clockwise on screen. 0 except for rotate. */
  readonly spin: number;
}

/** A whole scene: a background and one or two objects (later objects are drawn on top). */
export interface Scene {
  readonly background: BackgroundName;
  readonly objects: readonly SceneObject[];
  /** Drives the deterministic choice of prompt template; any uint32. */
  readonly seed: number;
}

/** Where an object is and how it looks at one instant. */
export interface ObjectState {
  /** Centre, normalized. */
  readonly x: number;
  readonly y: number;
  readonly scale: number;
  readonly angle: number;
}
