// Conversions between 8-bit RGB frames and the float tensors the models use.
// Both directions reproduce the official float32 arithmetic bit for bit, so a
// frame read here and a tensor written by the official code agree exactly.
import { InputError, ShapeError } from '../engine/errors.js';
import { checkRgbFrame, type PlanarImage, planarChannels, type RgbFrame } from './frame.js';

/**
 * The official output rule for one value in [-1, 1] (Wan's `save_video`/`cache_video`):
 * clamp to [-1, 1], `t = (x + 1) / 2` in float32, `uint8 = floor(t * 255)` with the
 * product rounded to float32 first (PyTorch's `(t * 255).type(torch.uint8)` truncates).
 * NaN becomes 0.
 */
export function unitToByte(v: number): number {
  if (Number.isNaN(v)) return 0;
  const x = v < -1 ? -1 : v > 1 ? 1 : v;
  // x + 1 rounds to float32; halving and the float64 product of two float32s are exact,
  // so one more fround reproduces float32 multiplication.
  return Math.floor(Math.fround((Math.fround(x + 1) / 2) * 255));
}

/** The 256 float32 values of the official input rule `to_tensor(img).sub_(0.5).div_(0.5)`. */
function byteToUnitTable(): Float32Array {
  const t = new Float32Array(256);
  for (let b = 0; b < 256; b++) t[b] = Math.fround(Math.fround(b / 255) - 0.5) / 0.5;
  return t;
}

/**
 * Converts a decoded video `[3, F, H, W]` (float, nominally in [-1, 1]) into F RGB frames
 * with the official rule (see {@link unitToByte}): clamp to [-1, 1], then
 * `floor((x + 1) / 2 * 255)` per channel, computed in float32 exactly as PyTorch does.
 *
 * @example
 * const frames = latentVideoToFrames(video.data, [3, 17, 480, 832]);
 * await writeVideo(frames, { path: 'out.mp4', fps: 16 });
 */
export function latentVideoToFrames(video: Float32Array, shape: readonly number[]): RgbFrame[] {
  if (shape.length !== 4 || shape[0] !== 3) {
    throw new ShapeError(`latentVideoToFrames: shape must be [3, F, H, W], got [${shape.join(', ')}]`);
  }
  const [, f, h, w] = shape;
  if (![f, h, w].every((d) => Number.isInteger(d) && d > 0)) {
    throw new ShapeError(`latentVideoToFrames: F, H, W must be positive integers, got [${shape.join(', ')}]`);
  }
  if (video.length !== 3 * f * h * w) {
    throw new ShapeError(
      `latentVideoToFrames: shape [${shape.join(', ')}] needs ${3 * f * h * w} values, got ${video.length}`,
    );
  }
  const plane = h * w;
  const chanStride = f * plane;
  const frames: RgbFrame[] = [];
  for (let t = 0; t < f; t++) {
    const data = new Uint8Array(plane * 3);
    const base = t * plane;
    for (let i = 0; i < plane; i++) {
      data[i * 3] = unitToByte(video[base + i]);
      data[i * 3 + 1] = unitToByte(video[chanStride + base + i]);
      data[i * 3 + 2] = unitToByte(video[2 * chanStride + base + i]);
    }
    frames.push({ width: w, height: h, data });
  }
  return frames;
}

/**
 * The inverse direction, for video inputs: F equally sized RGB frames → `[3, F, H, W]`
 * in [-1, 1] with the official input rule `(b / 255 - 0.5) / 0.5` in float32.
 */
export function framesToLatentVideo(frames: readonly RgbFrame[]): {
  data: Float32Array;
  shape: [number, number, number, number];
} {
  if (frames.length === 0) throw new InputError('framesToLatentVideo: need at least one frame');
  checkRgbFrame(frames[0], 'framesToLatentVideo: frame 0');
  const { width: w, height: h } = frames[0];
  const f = frames.length;
  const plane = h * w;
  const chanStride = f * plane;
  const lut = byteToUnitTable();
  const out = new Float32Array(3 * chanStride);
  frames.forEach((frame, t) => {
    checkRgbFrame(frame, `framesToLatentVideo: frame ${t}`);
    if (frame.width !== w || frame.height !== h) {
      throw new ShapeError(`framesToLatentVideo: frame ${t} is ${frame.width}×${frame.height}, frame 0 is ${w}×${h}`);
    }
    const src = frame.data;
    const base = t * plane;
    for (let i = 0; i < plane; i++) {
      out[base + i] = lut[src[i * 3]];
      out[chanStride + base + i] = lut[src[i * 3 + 1]];
      out[2 * chanStride + base + i] = lut[src[i * 3 + 2]];
    }
  });
  return { data: out, shape: [3, f, h, w] };
}

/**
 * One RGB frame → planar `[3, H, W]` in [-1, 1], the official image input rule
 * (`TF.to_tensor(img).sub_(0.5).div_(0.5)`), exact in float32.
 */
export function rgbToPlanar(frame: RgbFrame): PlanarImage {
  checkRgbFrame(frame, 'rgbToPlanar');
  const { width, height, data } = frame;
  const plane = width * height;
  const lut = byteToUnitTable();
  const out = new Float32Array(plane * 3);
  for (let i = 0; i < plane; i++) {
    out[i] = lut[data[i * 3]];
    out[plane + i] = lut[data[i * 3 + 1]];
    out[2 * plane + i] = lut[data[i * 3 + 2]];
  }
  return { width, height, data: out };
}

/** Planar `[3, H, W]` in [-1, 1] → RGB frame with the official output rule ({@link unitToByte}). */
export function planarToRgb(img: PlanarImage): RgbFrame {
  const c = planarChannels(img, 'planarToRgb');
  if (c !== 3) throw new ShapeError(`planarToRgb: need 3 channels, got ${c}`);
  const { width, height, data } = img;
  const plane = width * height;
  const out = new Uint8Array(plane * 3);
  for (let i = 0; i < plane; i++) {
    out[i * 3] = unitToByte(data[i]);
    out[i * 3 + 1] = unitToByte(data[plane + i]);
    out[i * 3 + 2] = unitToByte(data[2 * plane + i]);
  }
  return { width, height, data: out };
}
