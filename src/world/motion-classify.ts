// Motion from an object's track: centroid per frame, area per frame and the soft masks.
// Decision order (first match wins):
//   1. travel: the centroid gets farther than `moveThreshold` from where it started →
//      bounce if the track folds back on itself (net displacement along its main axis is under
//      `bounceRatio` of the range covered), else the 8-way heading of the net displacement;
//   2. size: mean area of the last frames over the first frames above `growRatio` → grow, below
//      its inverse → shrink;
//   3. orientation: the mask changes in place (1 - soft IoU with the first frame, maximum over the
//      clip, above `rotateThreshold`) → rotate; this needs no orientation estimate, so it works for
//      shapes whose second moments are isotropic (square, equilateral triangle);
//   4. otherwise still.
import type { Blob } from './blob.js';
import { softIou } from './blob.js';
import type { MotionName } from './vocab.js';

/** Thresholds of the motion classifier; the defaults suit the world's motions at any resolution. */
export interface MotionThresholds {
  /** Distance from the start, fraction of min(width, height), that counts as travel (default 0.06). */
  readonly moveThreshold?: number;
  /** Net over range along the main axis below which travel is a bounce (default 0.7). */
  readonly bounceRatio?: number;
  /** Area ratio end/start that counts as grow (inverse: shrink) (default 1.6). */
  readonly growRatio?: number;
  /** 1 - IoU with the first frame that counts as rotation (default 0.25; a quarter turn gives ≥ 0.29, a still object under heavy noise up to ~0.22). */
  readonly rotateThreshold?: number;
}

/** The measurements behind a motion decision. */
export interface MotionFeatures {
  /** Largest distance of the centroid from its first position, fraction of min(width, height). */
  readonly travel: number;
  /** Net displacement (last - first), fraction of min(width, height); y points down. */
  readonly dx: number;
  readonly dy: number;
  /** |net| / range of the projection on the track's main axis (1 for a straight run). */
  readonly foldRatio: number;
  /** Mean area of the last frames over the first frames. */
  readonly areaRatio: number;
  /** Largest 1 - soft IoU between a frame's mask and the first frame's. */
  readonly maskChange: number;
}

/** Frames averaged at each end for the area trend. */
const END_FRAMES = 3;

/** Measures the track of one object; `blobs` holds only the frames where it is present, in order. */
export function motionFeatures(blobs: readonly Blob[]): MotionFeatures {
  const n = blobs.length;
  const unit = Math.min(blobs[0].width, blobs[0].height);
  const xs = blobs.map((b) => b.cx / unit);
  const ys = blobs.map((b) => b.cy / unit);
  let travel = 0;
  for (let i = 0; i < n; i++) travel = Math.max(travel, Math.hypot(xs[i] - xs[0], ys[i] - ys[0]));
  const dx = xs[n - 1] - xs[0];
  const dy = ys[n - 1] - ys[0];
  const k = Math.min(END_FRAMES, Math.ceil(n / 2));
  const mean = (vals: readonly number[]) => vals.reduce((s, v) => s + v, 0) / vals.length;
  const areaStart = mean(blobs.slice(0, k).map((b) => b.area));
  const areaEnd = mean(blobs.slice(n - k).map((b) => b.area));
  let maskChange = 0;
  for (let i = 1; i < n; i++) maskChange = Math.max(maskChange, 1 - softIou(blobs[0], blobs[i]));
  return { travel, dx, dy, foldRatio: foldRatio(xs, ys), areaRatio: areaEnd / areaStart, maskChange };
}

/** Decides the motion from measured features. */
export function classifyMotion(f: MotionFeatures, thresholds: MotionThresholds = {}): MotionName {
  const moveThreshold = thresholds.moveThreshold ?? 0.06;
  const bounceRatio = thresholds.bounceRatio ?? 0.7;
  const growRatio = thresholds.growRatio ?? 1.6;
  const rotateThreshold = thresholds.rotateThreshold ?? 0.25;
  if (f.travel > moveThreshold) {
    if (f.foldRatio < bounceRatio) return 'bounce';
    return heading(f.dx, f.dy);
  }
  if (f.areaRatio > growRatio) return 'grow';
  if (f.areaRatio < 1 / growRatio) return 'shrink';
  if (f.maskChange > rotateThreshold) return 'rotate';
  return 'still';
}

const SECTORS: readonly MotionName[] = [
  'right',
  'up-right',
  'up',
  'up-left',
  'left',
  'down-left',
  'down',
  'down-right',
];

/** 8-way heading of a displacement (y down), sectors of 45° centred on the axes and diagonals. */
function heading(dx: number, dy: number): MotionName {
  const angle = Math.atan2(-dy, dx);
  const sector = Math.round(angle / (Math.PI / 4));
  return SECTORS[((sector % 8) + 8) % 8];
}

/** |net| / range of the track projected on its principal axis. */
function foldRatio(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  const mx = xs.reduce((s, v) => s + v, 0) / n;
  const my = ys.reduce((s, v) => s + v, 0) / n;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
    sxy += (xs[i] - mx) * (ys[i] - my);
  }
  const theta = 0.5 * Math.atan2(2 * sxy, sxx - syy);
  const ux = Math.cos(theta);
  const uy = Math.sin(theta);
  const s = xs.map((x, i) => x * ux + ys[i] * uy);
  const range = Math.max(...s) - Math.min(...s);
  return range > 0 ? Math.abs(s[n - 1] - s[0]) / range : 1;
}
