// Turning the user's first frame into what each model family conditions on.
import { HostTensor } from '../engine/host-tensor.js';
import {
  bestOutputSize,
  type PlanarImage,
  type RgbFrame,
  resizeBicubicTorch,
  resizeCoverCenterCrop,
  rgbToPlanar,
} from '../media/index.js';

/**
 * Wan2.1 / Wan2.2 I2V latent size from the target area and the image aspect
 * (image2video.py): lat = round(⌊⌊√(A·ratio) / stride⌋ / patch⌋ · patch).
 */
export function i2vLatentSize(
  w0: number,
  h0: number,
  maxArea: number,
  stride: number,
  patch: number,
): [number, number] {
  const ar = h0 / w0;
  const latH = Math.round(Math.floor(Math.floor(Math.sqrt(maxArea * ar) / stride) / patch) * patch);
  const latW = Math.round(Math.floor(Math.floor(Math.sqrt(maxArea / ar) / stride) / patch) * patch);
  return [latH, latW];
}

/** The I2V condition video: the image resized (torch bicubic) to H×W, then F−1 black frames. [3, F, H, W]. */
export function i2vConditionVideo(img: PlanarImage, frames: number, h: number, w: number): HostTensor<'float32'> {
  const r = resizeBicubicTorch(img, h, w);
  const out = new Float32Array(3 * frames * h * w);
  for (let c = 0; c < 3; c++) out.set(r.data.subarray(c * h * w, (c + 1) * h * w), c * frames * h * w);
  return HostTensor.f32([3, frames, h, w], out);
}

/** The I2V mask [4, T, h, w]: ones on latent frame 0, zeros elsewhere (image2video.py `msk`). */
export function i2vMask(latT: number, latH: number, latW: number): Float32Array {
  const m = new Float32Array(4 * latT * latH * latW);
  const frame = latH * latW;
  for (let c = 0; c < 4; c++) m.fill(1, c * latT * frame, c * latT * frame + frame);
  return m;
}

/** TI2V-5B first frame: best size for the area (multiples of 32), PIL Lanczos resize to cover, centre crop. [3, 1, oh, ow]. */
export function ti2vFirstFrame(img: RgbFrame, maxArea: number): HostTensor<'float32'> {
  const [ow, oh] = bestOutputSize(img.width, img.height, 32, 32, maxArea);
  const planar = rgbToPlanar(resizeCoverCenterCrop(img, ow, oh));
  return HostTensor.f32([3, 1, oh, ow], planar.data);
}
