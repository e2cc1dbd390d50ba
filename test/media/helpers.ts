// Shared helpers for the media tests: synthetic clips, ffprobe, temp folders, child processes.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RgbFrame } from '../../src/media/frame.js';

export const RED = [230, 30, 30] as const;
export const GREY = 128;

/** A 12×12 red square moving 2 px right per frame over mid grey. */
export function movingSquare(width: number, height: number, frames: number): RgbFrame[] {
  const out: RgbFrame[] = [];
  for (let t = 0; t < frames; t++) {
    const data = new Uint8Array(width * height * 3).fill(GREY);
    for (let y = 10; y < Math.min(22, height); y++) {
      for (let x = t * 2; x < Math.min(t * 2 + 12, width); x++) data.set(RED, (y * width + x) * 3);
    }
    out.push({ width, height, data });
  }
  return out;
}

/** Whether a command can be run (used to skip only when ffmpeg/ffprobe are absent). */
export function hasCommand(cmd: string): boolean {
  return spawnSync(cmd, ['-version'], { stdio: 'ignore' }).status === 0;
}

export interface ProbedStream {
  codec_name: string;
  pix_fmt: string;
  width: number;
  height: number;
  r_frame_rate: string;
  avg_frame_rate: string;
  nb_read_frames: string;
  profile?: string;
  color_space?: string;
}

export interface Probe {
  streams: ProbedStream[];
  format: { format_name: string; tags?: Record<string, string> };
}

/** `ffprobe -show_streams -show_format -count_frames -of json`. */
export function ffprobe(path: string): Probe {
  const out = execFileSync('ffprobe', [
    '-v',
    'error',
    '-show_streams',
    '-show_format',
    '-count_frames',
    '-of',
    'json',
    path,
  ]);
  return JSON.parse(out.toString('utf8')) as Probe;
}

export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `wanjs-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Names (comm) of the live child processes of this process (Linux /proc; [] elsewhere). */
export function childProcessNames(): string[] {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return [];
  }
  const names: string[] = [];
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // pid (comm) state ppid ...: comm may contain spaces, so split after the last ')'.
      const close = stat.lastIndexOf(')');
      const fields = stat.slice(close + 2).split(' ');
      if (Number(fields[1]) === process.pid && fields[0] !== 'Z') names.push(stat.slice(stat.indexOf('(') + 1, close));
    } catch {
      // The process ended while we looked.
    }
  }
  return names;
}

/** Top-level MP4 box types in file order. */
export function mp4Boxes(bytes: Uint8Array): string[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const types: string[] = [];
  let off = 0;
  while (off + 8 <= bytes.length) {
    let size = view.getUint32(off);
    const type = String.fromCharCode(...bytes.subarray(off + 4, off + 8));
    if (size === 1) size = Number(view.getBigUint64(off + 8));
    else if (size === 0) size = bytes.length - off;
    types.push(type);
    if (size < 8) break;
    off += size;
  }
  return types;
}

/** Mean RGB of a rectangle of a frame. */
export function meanRgb(frame: RgbFrame, x0: number, y0: number, x1: number, y1: number): [number, number, number] {
  const s = [0, 0, 0];
  let n = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      for (let c = 0; c < 3; c++) s[c] += frame.data[(y * frame.width + x) * 3 + c];
      n++;
    }
  }
  return [s[0] / n, s[1] / n, s[2] / n];
}
