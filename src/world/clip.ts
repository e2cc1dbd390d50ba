// Clips as the VAE consumes them: float32, layout [3, F, H, W] (channel, frame, row, column),
// values in [-1, 1] where -1 is 0 and 1 is 255 of an sRGB channel.
import { ShapeError } from '../engine/errors.js';

/** A video clip. Any HostTensor<'float32'> of shape [3, F, H, W] fits this interface. */
export interface Clip {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** The frame count and size of a clip, after checking that it is a well-formed [3, F, H, W] clip. */
export interface ClipDims {
  readonly frames: number;
  readonly height: number;
  readonly width: number;
}

/** Checks the layout of `clip` and returns its dimensions; `what` names it in error messages. */
export function clipDims(clip: Clip, what = 'clip'): ClipDims {
  const s = clip.shape;
  if (s.length !== 4 || s[0] !== 3 || s.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new ShapeError(`${what}: expected shape [3, F, H, W] with positive sizes, found [${s.join(', ')}]`);
  }
  const [, frames, height, width] = s;
  if (clip.data.length !== 3 * frames * height * width) {
    throw new ShapeError(
      `${what}: shape [${s.join(', ')}] needs ${3 * frames * height * width} values, data has ${clip.data.length}`,
    );
  }
  return { frames, height, width };
}

/** Frame f as interleaved 8-bit RGB, row-major [H, W, 3] (what image and video encoders take). */
export function frameToRgb(clip: Clip, f: number): Uint8Array {
  const { frames, height, width } = clipDims(clip);
  if (!Number.isInteger(f) || f < 0 || f >= frames) {
    throw new ShapeError(`frameToRgb: frame index must be an integer in [0, ${frames}), found ${f}`);
  }
  const plane = height * width;
  const out = new Uint8Array(plane * 3);
  for (let c = 0; c < 3; c++) {
    const base = (c * frames + f) * plane;
    for (let i = 0; i < plane; i++) out[i * 3 + c] = toByte(clip.data[base + i]);
  }
  return out;
}

/** Every frame as interleaved 8-bit RGB, [F, H, W, 3]. */
export function clipToRgb(clip: Clip): Uint8Array {
  const { frames, height, width } = clipDims(clip);
  const size = height * width * 3;
  const out = new Uint8Array(frames * size);
  for (let f = 0; f < frames; f++) out.set(frameToRgb(clip, f), f * size);
  return out;
}

/** Builds a clip from interleaved 8-bit RGB frames [F, H, W, 3] (e.g. decoded from a video). */
export function clipFromRgb(rgb: Uint8Array, frames: number, height: number, width: number): Clip {
  const plane = height * width;
  if (rgb.length !== frames * plane * 3) {
    throw new ShapeError(
      `clipFromRgb: ${frames} frames of ${width}x${height} RGB need ${frames * plane * 3} bytes, found ${rgb.length}`,
    );
  }
  const data = new Float32Array(3 * frames * plane);
  for (let f = 0; f < frames; f++) {
    for (let i = 0; i < plane; i++) {
      for (let c = 0; c < 3; c++) data[(c * frames + f) * plane + i] = rgb[(f * plane + i) * 3 + c] / 127.5 - 1;
    }
  }
  return { shape: [3, frames, height, width], data };
}

function toByte(v: number): number {
  const b = Math.round((v + 1) * 127.5);
  return b < 0 ? 0 : b > 255 ? 255 : b;
}
