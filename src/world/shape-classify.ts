// Shape from a soft mask. Two cheap descriptive features are reported (bounding-box fill ratio and
// area over the centroid-centred enclosing circle), but the decision is made by analysis by
// synthesis: every candidate shape is drawn with the blob's area at the blob's centroid, at the
// orientation (searched over the shape's symmetry period) that fits best, and the shape whose
// drawing overlaps the blob best (soft IoU) wins. That is rotation-invariant by construction and
// degrades gracefully under blur and noise, where thresholds on single features do not.
import type { Blob } from './blob.js';
import { pixelCoverage, shapeExtent, shapeSymmetry } from './geometry.js';
import { SHAPES, type ShapeName } from './vocab.js';

/** What the checker measured about a blob's shape. */
export interface ShapeFeatures {
  /** α≥0.5 pixels over their axis-aligned bounding box: square ≈ 1, circle ≈ π/4, triangle ≈ 0.5. */
  readonly fillRatio: number;
  /** Area over π R², R the farthest α≥0.5 pixel from the centroid: circle ≈ 1, square ≈ 0.64,
   * triangle ≈ 0.41, star lower still. Rotation-invariant. */
  readonly circleRatio: number;
  /** Best soft IoU of each candidate shape's synthetic drawing with the blob. */
  readonly scores: Readonly<Record<ShapeName, number>>;
}

/** Coarse orientation steps per symmetry period, before refinement. */
const ANGLE_STEPS = 6;
/** Supersampling per axis of the synthetic drawings. */
const TEMPLATE_SS = 2;

/** Measures a non-empty blob. */
export function shapeFeatures(blob: Blob, shapes: readonly ShapeName[] = SHAPES): ShapeFeatures {
  const bboxArea = (blob.x1 - blob.x0 + 1) * (blob.y1 - blob.y0 + 1);
  let r2 = 0;
  for (let y = blob.y0; y <= blob.y1; y++) {
    for (let x = blob.x0; x <= blob.x1; x++) {
      if (blob.alpha[y * blob.width + x] < 0.5) continue;
      const d2 = (x + 0.5 - blob.cx) ** 2 + (y + 0.5 - blob.cy) ** 2;
      if (d2 > r2) r2 = d2;
    }
  }
  const rMax = Math.sqrt(r2) + 0.5;
  const scores = {} as Record<ShapeName, number>;
  for (const s of SHAPES) scores[s] = shapes.includes(s) ? bestFit(blob, s) : 0;
  return {
    fillRatio: bboxArea > 0 ? blob.hardArea / bboxArea : 0,
    circleRatio: blob.area / (Math.PI * rMax * rMax),
    scores,
  };
}

/** The shape with the highest score. */
export function classifyShape(features: ShapeFeatures, shapes: readonly ShapeName[] = SHAPES): ShapeName {
  let best = shapes[0];
  for (const s of shapes) if (features.scores[s] > features.scores[best]) best = s;
  return best;
}

/** Highest soft IoU of `shape`, drawn with the blob's area at its centroid, over orientations. */
function bestFit(blob: Blob, shape: ShapeName): number {
  const period = shapeSymmetry(shape);
  if (period === 0) return fitAt(blob, shape, 0);
  let step = period / ANGLE_STEPS;
  let bestAngle = 0;
  let best = -1;
  for (let i = 0; i < ANGLE_STEPS; i++) {
    const v = fitAt(blob, shape, i * step);
    if (v > best) {
      best = v;
      bestAngle = i * step;
    }
  }
  // Two rounds of local refinement around the best coarse angle.
  for (let round = 0; round < 2; round++) {
    step /= 3;
    for (const a of [bestAngle - step, bestAngle + step]) {
      const v = fitAt(blob, shape, a);
      if (v > best) {
        best = v;
        bestAngle = a;
      }
    }
  }
  return best;
}

function fitAt(blob: Blob, shape: ShapeName, angle: number): number {
  const r = Math.sqrt(blob.area / Math.PI);
  const reach = r * shapeExtent(shape) + 1;
  // The window covers both the drawing and the blob's bounding box.
  const x0 = Math.max(0, Math.min(blob.x0, Math.floor(blob.cx - reach)));
  const x1 = Math.min(blob.width - 1, Math.max(blob.x1, Math.ceil(blob.cx + reach)));
  const y0 = Math.max(0, Math.min(blob.y0, Math.floor(blob.cy - reach)));
  const y1 = Math.min(blob.height - 1, Math.max(blob.y1, Math.ceil(blob.cy + reach)));
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  let inter = 0;
  let union = 0;
  for (let py = y0; py <= y1; py++) {
    for (let px = x0; px <= x1; px++) {
      const b = pixelCoverage(shape, px + 0.5 - blob.cx, py + 0.5 - blob.cy, r, cos, sin, TEMPLATE_SS);
      const a = blob.alpha[py * blob.width + px];
      inter += a < b ? a : b;
      union += a > b ? a : b;
    }
  }
  // Blob mass outside the window (rare: stray pixels of the same colour) still counts in the union.
  union += Math.max(0, blob.area - windowMass(blob, x0, y0, x1, y1));
  return union > 0 ? inter / union : 0;
}

function windowMass(blob: Blob, x0: number, y0: number, x1: number, y1: number): number {
  let m = 0;
  for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) m += blob.alpha[y * blob.width + x];
  return m;
}
