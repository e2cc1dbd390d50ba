// The analytic checker: segments a clip by colour, then measures each coloured object's track,
// shape and motion. It needs no model and no labels, so it can grade generated clips.
import { type Blob, blobOf } from './blob.js';
import { type Clip, clipDims } from './clip.js';
import { classifyMotion, type MotionFeatures, type MotionThresholds, motionFeatures } from './motion-classify.js';
import { type Segmentation, type SegmentOptions, segmentClip } from './segment.js';
import { classifyShape, type ShapeFeatures, shapeFeatures } from './shape-classify.js';
import { type MotionName, SHAPES, type ShapeName } from './vocab.js';

export interface AnalyzeOptions extends SegmentOptions, MotionThresholds {
  /** α≥0.5 pixels an object needs in its largest frame to count (default max(4, 0.0015·W·H)). */
  readonly minArea?: number;
  /** Candidate shapes (default all of the world's shapes). */
  readonly shapes?: readonly ShapeName[];
}

/** An object's position and size in one frame. */
export interface TrackPoint {
  readonly frame: number;
  /** Centroid, normalized to [0, 1] on each axis. */
  readonly x: number;
  readonly y: number;
  /** Soft area in pixels. */
  readonly area: number;
}

/** What the checker found for one palette colour. */
export interface ObjectAnalysis {
  readonly colour: string;
  /** Frames where the object is visible, with its centroid and area. */
  readonly track: readonly TrackPoint[];
  readonly shape: ShapeName;
  readonly shapeFeatures: ShapeFeatures;
  readonly motion: MotionName;
  readonly motionFeatures: MotionFeatures;
}

export interface ClipAnalysis {
  readonly frames: number;
  readonly height: number;
  readonly width: number;
  /** One entry per palette colour found, largest first. */
  readonly objects: readonly ObjectAnalysis[];
  readonly segmentation: Segmentation;
}

/** Frames used for the shape decision: those near the largest area, at most this many, spread out. */
const SHAPE_FRAMES = 3;

/** Analyzes a [3, F, H, W] clip in [-1, 1]. */
export function analyzeClip(clip: Clip, options: AnalyzeOptions = {}): ClipAnalysis {
  const { frames, height, width } = clipDims(clip, 'analyzeClip');
  const seg = segmentClip(clip, options);
  const minArea = options.minArea ?? Math.max(4, 0.0015 * width * height);
  const minFrameArea = Math.max(2, minArea / 2);
  const shapes = options.shapes ?? SHAPES;
  const found: { obj: ObjectAnalysis; size: number }[] = [];
  const counts = labelCounts(seg);
  for (let k = 0; k < seg.palette.length; k++) {
    const blobs: Blob[] = [];
    const frameIds: number[] = [];
    let largest = 0;
    for (let f = 0; f < frames; f++) {
      // Labelled pixels bound α≥0.5 pixels from above: skip frames that cannot qualify.
      if (counts[f * seg.palette.length + k] < minFrameArea) continue;
      const b = blobOf(seg, k, f);
      largest = Math.max(largest, b.hardArea);
      if (b.hardArea >= minFrameArea) {
        blobs.push(b);
        frameIds.push(f);
      }
    }
    if (largest < minArea || blobs.length === 0) continue;
    const track = blobs.map((b, i) => ({ frame: frameIds[i], x: b.cx / width, y: b.cy / height, area: b.area }));
    const sf = shapeOf(blobs, shapes);
    const mf = motionFeatures(blobs);
    const motion = blobs.length > 1 ? classifyMotion(mf, options) : 'still';
    const obj = { colour: seg.palette[k].name, track, shape: classifyShape(sf, shapes), shapeFeatures: sf, motion };
    found.push({ obj: { ...obj, motionFeatures: mf }, size: largest });
  }
  found.sort((a, b) => b.size - a.size);
  return { frames, height, width, objects: found.map((f) => f.obj), segmentation: seg };
}

/** Labelled pixels per frame and palette colour, [F, K]. */
function labelCounts(seg: Segmentation): Uint32Array {
  const K = seg.palette.length;
  const plane = seg.width * seg.height;
  const out = new Uint32Array(seg.frames * K);
  for (let f = 0; f < seg.frames; f++) {
    for (let i = 0; i < plane; i++) {
      const k = seg.labels[f * plane + i];
      if (k >= 0) out[f * K + k]++;
    }
  }
  return out;
}

/** Shape features averaged over up to SHAPE_FRAMES frames whose area is near the largest (small,
 * early frames of a growing object say little about its outline). */
function shapeOf(blobs: readonly Blob[], shapes: readonly ShapeName[]): ShapeFeatures {
  const maxArea = Math.max(...blobs.map((b) => b.area));
  const big = blobs.filter((b) => b.area >= 0.8 * maxArea);
  const picks = big.length <= SHAPE_FRAMES ? big : [big[0], big[Math.floor((big.length - 1) / 2)], big[big.length - 1]];
  const all = picks.map((b) => shapeFeatures(b, shapes));
  const largest = all[picks.indexOf(picks.reduce((m, b) => (b.area > m.area ? b : m)))];
  const scores = {} as Record<ShapeName, number>;
  for (const s of SHAPES) scores[s] = all.reduce((sum, f) => sum + f.scores[s], 0) / all.length;
  return { fillRatio: largest.fillRatio, circleRatio: largest.circleRatio, scores };
}
