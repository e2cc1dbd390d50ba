// The two pixel layouts media code exchanges with the rest of wanjs.
import { InputError, ShapeError } from '../engine/errors.js';

/** One 8-bit RGB image, row-major, interleaved: `data[(y * width + x) * 3 + c]`. */
export interface RgbFrame {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/**
 * A float image in PyTorch layout `[C, H, W]` (planar, row-major). Images read from
 * disk have C = 3 and values in [-1, 1]; resamplers accept any C ≥ 1.
 */
export interface PlanarImage {
  readonly width: number;
  readonly height: number;
  readonly data: Float32Array;
}

/** Throws unless `frame` is a well-formed RgbFrame; `what` names it in the message. */
export function checkRgbFrame(frame: RgbFrame, what: string): void {
  const { width, height, data } = frame;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new InputError(`${what}: width and height must be positive integers, got ${width}×${height}`);
  }
  if (!(data instanceof Uint8Array)) {
    throw new InputError(`${what}: data must be a Uint8Array of RGB bytes`);
  }
  if (data.length !== width * height * 3) {
    throw new ShapeError(
      `${what}: ${width}×${height} RGB needs ${width * height * 3} bytes (w·h·3), data has ${data.length}`,
    );
  }
}

/** Number of channels of a planar image, checked against its width and height. */
export function planarChannels(img: PlanarImage, what: string): number {
  const { width, height, data } = img;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new InputError(`${what}: width and height must be positive integers, got ${width}×${height}`);
  }
  const c = data.length / (width * height);
  if (!Number.isInteger(c) || c < 1) {
    throw new ShapeError(`${what}: ${data.length} values are not a whole number of ${width}×${height} planes`);
  }
  return c;
}
