// Grades a clip against the scene it was meant to show, one verdict per target object.
import { type AnalyzeOptions, analyzeClip, type ObjectAnalysis } from './analyze.js';
import type { Clip } from './clip.js';
import type { Scene } from './scene.js';
import type { ColourName, MotionName, ShapeName } from './vocab.js';

/** The verdict for one object of the scene. */
export interface ObjectScore {
  readonly colour: ColourName;
  readonly shape: ShapeName;
  readonly motion: MotionName;
  /** What the checker found in that colour, if anything. */
  readonly found?: ObjectAnalysis;
  /** An object of the target colour is visible. */
  readonly colourOk: boolean;
  /** …and its shape is the target shape. */
  readonly shapeOk: boolean;
  /** …and its motion is the target motion. */
  readonly motionOk: boolean;
}

export interface ClipScore {
  readonly objects: readonly ObjectScore[];
  /** Every object's verdict holds. */
  readonly colourOk: boolean;
  readonly shapeOk: boolean;
  readonly motionOk: boolean;
  /** Colours found that the scene does not have (stray objects or colour bleeding). */
  readonly extraColours: readonly string[];
}

/** Analyzes `clip` and compares it with `scene`. Shape and motion are judged on the object of the
 * target colour, so each is only ok where the colour is. */
export function scoreClip(clip: Clip, scene: Scene, options: AnalyzeOptions = {}): ClipScore {
  const analysis = analyzeClip(clip, options);
  const objects = scene.objects.map((o): ObjectScore => {
    const found = analysis.objects.find((a) => a.colour === o.colour);
    return {
      colour: o.colour,
      shape: o.shape,
      motion: o.motion,
      found,
      colourOk: found !== undefined,
      shapeOk: found?.shape === o.shape,
      motionOk: found?.motion === o.motion,
    };
  });
  const wanted = new Set<string>(scene.objects.map((o) => o.colour));
  return {
    objects,
    colourOk: objects.every((o) => o.colourOk),
    shapeOk: objects.every((o) => o.shapeOk),
    motionOk: objects.every((o) => o.motionOk),
    extraColours: analysis.objects.map((a) => a.colour).filter((c) => !wanted.has(c)),
  };
}
