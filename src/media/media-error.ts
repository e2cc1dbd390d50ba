// Failures of an external encoder/decoder (ffmpeg, wasm x264, sharp) that are
// neither bad user input nor cancellation.
import { WanError } from '../engine/errors.js';

/** An encoder or decoder failed; the message names the tool, the file and the tool's own words. */
export class MediaError extends WanError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_MEDIA', message, options);
  }
}
