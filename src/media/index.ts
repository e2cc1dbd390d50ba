/**
 * Media input/output for wanjs: writing generated videos (MP4, WebM, GIF, PNG frames),
 * reading images and videos, the exact tensor ⇄ pixel conversions of the official
 * pipelines, and the resamplers they use (PyTorch bicubic, Pillow LANCZOS).
 *
 * @example Save a decoded video with its settings
 * import { latentVideoToFrames, writeVideo } from './media/index.js';
 * const frames = latentVideoToFrames(decoded.data, [3, 81, 480, 832]); // [-1, 1] → uint8
 * await writeVideo(frames, { path: 'out.mp4', fps: 16, metadata: { prompt, seed: String(seed) } });
 *
 * @example Wan2.1 I2V / CLIP image preprocessing
 * import { readImage, resizeBicubicTorch } from './media/index.js';
 * const img = await readImage('input.jpg');            // [3, h0, w0] in [-1, 1]
 * const cond = resizeBicubicTorch(img, 480, 832);      // F.interpolate(bicubic)
 * const clip = resizeBicubicTorch(img, 224, 224);
 *
 * @example TI2V-5B image preprocessing
 * import { bestOutputSize, readImageRgb, resizeCoverCenterCrop, rgbToPlanar } from './media/index.js';
 * const rgb = await readImageRgb('input.png');
 * const [ow, oh] = bestOutputSize(rgb.width, rgb.height, 32, 32, 704 * 1280);
 * const img = rgbToPlanar(resizeCoverCenterCrop(rgb, ow, oh)); // [3, oh, ow] in [-1, 1]
 *
 * @example Video input, streamed
 * import { readVideoFrames } from './media/index.js';
 * for await (const frame of readVideoFrames('ref.mp4', { fps: 16, width: 832, height: 480, maxFrames: 81 })) {
 *   // frame: { width, height, data: Uint8Array RGB }
 * }
 */
export { bestOutputSize, centerCrop, resizeCoverCenterCrop } from './crop.js';
export { type FfmpegLocator, ffmpegOnPath, noFfmpeg } from './ffmpeg.js';
export type { PlanarImage, RgbFrame } from './frame.js';
export type { FrameSource } from './frame-source.js';
export type { GifPalette } from './gif-sink.js';
export { MediaError } from './media-error.js';
export { pngFrameName } from './png-sink.js';
export { pyFloorDiv, roundHalfEven } from './python-math.js';
export { type ReadImageOptions, readImage, readImageRgb } from './read-image.js';
export { type ReadVideoOptions, readVideoFrames } from './read-video.js';
export { resizeBicubicTorch } from './resize-bicubic-torch.js';
export { resizeLanczosPil } from './resize-lanczos-pil.js';
export { sidecarPath, type VideoSidecar } from './sidecar.js';
export {
  framesToLatentVideo,
  latentVideoToFrames,
  planarToRgb,
  rgbToPlanar,
  unitToByte,
} from './tensor-convert.js';
export type { VideoFormat } from './video-format.js';
export { type VideoEncoder, type WriteVideoOptions, type WriteVideoResult, writeVideo } from './write-video.js';
