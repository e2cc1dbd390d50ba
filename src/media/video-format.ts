// Output container choice from options and file name.
import { extname } from 'node:path';
import { InputError } from '../engine/errors.js';

/** Output kinds: MP4 (H.264), WebM (VP9), animated GIF, or a folder of PNG frames. */
export type VideoFormat = 'mp4' | 'webm' | 'gif' | 'png';

const BY_EXTENSION: Readonly<Record<string, VideoFormat>> = {
  '.mp4': 'mp4',
  '.m4v': 'mp4',
  '.webm': 'webm',
  '.gif': 'gif',
};

/**
 * The explicit `format`, else the one the extension names (.mp4/.m4v, .webm, .gif); a
 * path without extension means a PNG frame folder.
 */
export function videoFormatFor(path: string, format?: VideoFormat): VideoFormat {
  if (format !== undefined) {
    if (!['mp4', 'webm', 'gif', 'png'].includes(format)) {
      throw new InputError(`writeVideo: format must be mp4, webm, gif or png, got '${String(format)}'`);
    }
    return format;
  }
  const ext = extname(path).toLowerCase();
  if (ext === '') return 'png';
  const f = BY_EXTENSION[ext];
  if (f) return f;
  if (ext === '.png') {
    throw new InputError(
      `writeVideo: '${path}': PNG frames are written into a folder; give a path without extension or format 'png'`,
    );
  }
  throw new InputError(
    `writeVideo: cannot tell the format of '${path}' from '${ext}'; use .mp4, .webm, .gif, a folder name (PNG frames) or pass format`,
  );
}
