// Clip-level statistics for generated video: temporal flicker and sample diversity.
import { ShapeError } from '../engine/errors.js';
import { type Clip, clipDims } from './clip.js';
import { type SegmentOptions, segmentClip } from './segment.js';

/** Mean absolute frame-to-frame change, in [-1, 1] units (so 2 is the largest possible). */
export interface Flicker {
  /** Over pixels that are background in both frames of a pair: a static background should give ~0,
   * so anything above the noise floor is flicker. NaN when no pixel is background throughout. */
  readonly background: number;
  /** Over every pixel of the clip: includes real motion, useful only to compare like with like. */
  readonly whole: number;
}

/** Temporal flicker of a clip. A pixel is background when neither it nor any of its 8 neighbours
 * has a palette colour in the segmentation, and it lies within `maxDistance` (default 0.2, [0, 1]
 * RGB units) of the frame's background colour. */
export function temporalFlicker(clip: Clip, options: SegmentOptions = {}): Flicker {
  const { frames, height, width } = clipDims(clip, 'temporalFlicker');
  if (frames < 2) return { background: 0, whole: 0 };
  const seg = segmentClip(clip, options);
  const plane = height * width;
  const maxD2 = (options.maxDistance ?? 0.2) ** 2;
  const isBg = new Uint8Array(frames * plane);
  for (let f = 0; f < frames; f++) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = y * width + x;
        if (nearLabel(seg.labels, f * plane, x, y, width, height)) continue;
        let d2 = 0;
        for (let c = 0; c < 3; c++) {
          d2 += ((clip.data[(c * frames + f) * plane + i] + 1) * 0.5 - seg.background[f * 3 + c]) ** 2;
        }
        if (d2 <= maxD2) isBg[f * plane + i] = 1;
      }
    }
  }
  let bgSum = 0;
  let bgCount = 0;
  let allSum = 0;
  for (let f = 0; f + 1 < frames; f++) {
    for (let i = 0; i < plane; i++) {
      let d = 0;
      for (let c = 0; c < 3; c++) {
        const base = c * frames * plane + i;
        d += Math.abs(clip.data[base + (f + 1) * plane] - clip.data[base + f * plane]);
      }
      allSum += d;
      if (isBg[f * plane + i] && isBg[(f + 1) * plane + i]) {
        bgSum += d;
        bgCount += 3;
      }
    }
  }
  return { background: bgCount > 0 ? bgSum / bgCount : Number.NaN, whole: allSum / (3 * plane * (frames - 1)) };
}

/** Whether pixel (x, y) or one of its 8 neighbours has a palette label: anti-aliased fringes too
 * faint to be labelled sit next to labelled pixels, and must not count as background. */
function nearLabel(labels: Int8Array, base: number, x: number, y: number, width: number, height: number): boolean {
  for (let j = Math.max(0, y - 1); j <= Math.min(height - 1, y + 1); j++) {
    for (let i = Math.max(0, x - 1); i <= Math.min(width - 1, x + 1); i++)
      if (labels[base + j * width + i] !== -1) return true;
  }
  return false;
}

/** How different a set of clips is from itself. */
export interface Diversity {
  /** Mean over pairs of the RMS difference of the first frames, [-1, 1] units. */
  readonly firstFrame: number;
  /** Mean over pairs of the mean distance, over frames, between the clips' foreground centroids
   * (every palette-coloured pixel, α-weighted), in normalized [0, 1] coordinates. Frames where
   * either clip has no foreground are skipped; NaN when no pair has a common frame. */
  readonly centroid: number;
}

/** Diversity of clips generated from different seeds (same size; frame counts may differ, the
 * common prefix is compared). Fewer than two clips give zeros. */
export function diversity(clips: readonly Clip[], options: SegmentOptions = {}): Diversity {
  if (clips.length < 2) return { firstFrame: 0, centroid: 0 };
  const dims = clips.map((c, i) => clipDims(c, `diversity: clips[${i}]`));
  const { height, width } = dims[0];
  dims.forEach((d, i) => {
    if (d.height !== height || d.width !== width) {
      throw new ShapeError(`diversity: clips[${i}] is ${d.width}x${d.height}, clips[0] is ${width}x${height}`);
    }
  });
  const plane = height * width;
  const firsts = clips.map((c, i) => {
    const out = new Float32Array(3 * plane);
    for (let ch = 0; ch < 3; ch++)
      out.set(c.data.subarray(ch * dims[i].frames * plane, ch * dims[i].frames * plane + plane), ch * plane);
    return out;
  });
  const tracks = clips.map((c) => foregroundTrack(c, options));
  let ffSum = 0;
  let cSum = 0;
  let cPairs = 0;
  let pairs = 0;
  for (let i = 0; i < clips.length; i++) {
    for (let j = i + 1; j < clips.length; j++) {
      let s = 0;
      for (let k = 0; k < firsts[i].length; k++) s += (firsts[i][k] - firsts[j][k]) ** 2;
      ffSum += Math.sqrt(s / firsts[i].length);
      pairs++;
      let d = 0;
      let n = 0;
      for (let f = 0; f < Math.min(tracks[i].length, tracks[j].length); f++) {
        const a = tracks[i][f];
        const b = tracks[j][f];
        if (!a || !b) continue;
        d += Math.hypot(a[0] - b[0], a[1] - b[1]);
        n++;
      }
      if (n > 0) {
        cSum += d / n;
        cPairs++;
      }
    }
  }
  return { firstFrame: ffSum / pairs, centroid: cPairs > 0 ? cSum / cPairs : Number.NaN };
}

/** Per frame, the α-weighted centroid of all palette-coloured pixels (normalized), or null. */
function foregroundTrack(clip: Clip, options: SegmentOptions): ([number, number] | null)[] {
  const seg = segmentClip(clip, options);
  const { frames, height, width } = seg;
  const plane = height * width;
  const out: ([number, number] | null)[] = [];
  for (let f = 0; f < frames; f++) {
    let m = 0;
    let sx = 0;
    let sy = 0;
    for (let i = 0; i < plane; i++) {
      const a = seg.alpha[f * plane + i];
      if (a === 0) continue;
      m += a;
      sx += a * ((i % width) + 0.5);
      sy += a * (Math.floor(i / width) + 0.5);
    }
    out.push(m > 0 ? [sx / m / width, sy / m / height] : null);
  }
  return out;
}
