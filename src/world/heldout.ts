// Held-out combinations: (colour, shape, motion) triples that training samples never show on any
// object, while each colour, shape and motion on its own is common in training. The held-out split
// uses only these triples, so it measures compositional generalization.
import type { ColourName, MotionName, ShapeName } from './vocab.js';

/** A colour-shape-motion combination. */
export interface Triple {
  readonly colour: ColourName;
  readonly shape: ShapeName;
  readonly motion: MotionName;
}

/** The fixed held-out list. Changing it changes every data set: treat it as frozen. Every colour
 * appears here at least once and no shape-motion pair twice. */
export const HELDOUT_TRIPLES: readonly Triple[] = [
  { colour: 'red', shape: 'triangle', motion: 'up' },
  { colour: 'green', shape: 'circle', motion: 'left' },
  { colour: 'blue', shape: 'square', motion: 'grow' },
  { colour: 'yellow', shape: 'triangle', motion: 'bounce' },
  { colour: 'purple', shape: 'circle', motion: 'down' },
  { colour: 'orange', shape: 'square', motion: 'rotate' },
  { colour: 'white', shape: 'triangle', motion: 'shrink' },
  { colour: 'cyan', shape: 'circle', motion: 'right' },
  { colour: 'red', shape: 'square', motion: 'still' },
  { colour: 'green', shape: 'triangle', motion: 'down-right' },
  { colour: 'blue', shape: 'circle', motion: 'bounce' },
  { colour: 'purple', shape: 'star', motion: 'up-left' },
];

/** Whether the triple is on the held-out list. */
export function isHeldout(t: Triple): boolean {
  return HELDOUT_TRIPLES.some((h) => h.colour === t.colour && h.shape === t.shape && h.motion === t.motion);
}
