// Still images from disk (PNG, JPEG, WebP, ...) through sharp.
import sharp from 'sharp';
import { InputError } from '../engine/errors.js';
import type { PlanarImage, RgbFrame } from './frame.js';
import { rgbToPlanar } from './tensor-convert.js';

export interface ReadImageOptions {
  /**
   * Rotate/flip according to the EXIF orientation (default true), so the pixels match
   * what image viewers show. The official scripts (PIL `Image.open`) do not, so pass
   * false to reproduce them on photos that carry an orientation tag.
   */
  readonly autoOrient?: boolean;
  /**
   * Transparent images: composite onto this RGB colour (0..255 each). By default alpha
   * is discarded and the stored colour of each pixel is kept, as PIL's
   * `convert('RGB')` in the official scripts does.
   */
  readonly background?: readonly [number, number, number];
}

/**
 * Reads an image as 8-bit sRGB, 3 channels: greyscale is replicated, CMYK and embedded
 * ICC profiles are converted to sRGB by libvips, animated files give their first frame.
 * Errors name the file: `cannot read image 'x.png': ...`.
 *
 * Decoding PNG is lossless and matches PIL byte for byte; JPEG decoders may differ from
 * PIL's libjpeg by ±1 on some pixels.
 */
export async function readImageRgb(path: string, opts: ReadImageOptions = {}): Promise<RgbFrame> {
  const bg = opts.background;
  if (bg !== undefined && (bg.length !== 3 || bg.some((c) => !Number.isInteger(c) || c < 0 || c > 255))) {
    throw new InputError(
      `readImage '${path}': background must be [r, g, b] with integers 0..255, got ${JSON.stringify(bg)}`,
    );
  }
  try {
    let img = sharp(path);
    if (opts.autoOrient !== false) img = img.rotate();
    img = bg ? img.flatten({ background: { r: bg[0], g: bg[1], b: bg[2] } }) : img.removeAlpha();
    const { data, info } = await img.toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 3 || data.length !== info.width * info.height * 3) {
      throw new Error(`decoded to ${info.channels} channels of ${info.width}×${info.height}, expected 3`);
    }
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`cannot read image '${path}': ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * Reads an image as a planar float tensor `[3, H, W]` in [-1, 1] with the official rule
 * `(b / 255 − 0.5) / 0.5` (see {@link rgbToPlanar}).
 *
 * @example
 * const img = await readImage('first-frame.jpg');
 * // img.data: Float32Array of 3·H·W values, img.width, img.height
 */
export async function readImage(path: string, opts: ReadImageOptions = {}): Promise<PlanarImage> {
  return rgbToPlanar(await readImageRgb(path, opts));
}
