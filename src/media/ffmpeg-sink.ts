// MP4 (H.264) and WebM (VP9) through an ffmpeg child process fed raw rgb24 on stdin.
import { onAbort } from './abort.js';
import { FfmpegProcess } from './ffmpeg.js';
import type { RgbFrame } from './frame.js';
import type { FrameSink } from './frame-sink.js';

export interface FfmpegSinkSpec {
  readonly command: string;
  readonly format: 'mp4' | 'webm';
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly crf: number;
  /** Settings stored as JSON in the container's `comment` tag. */
  readonly metadata: Readonly<Record<string, string>>;
  /** Where ffmpeg writes (a temporary path; the container is given explicitly). */
  readonly outPath: string;
  /** Names the final output in error messages. */
  readonly what: string;
  readonly signal?: AbortSignal;
}

/** The ffmpeg command line for a spec (exported for tests and debugging). */
export function ffmpegEncodeArgs(spec: FfmpegSinkSpec): string[] {
  const input = [
    '-hide_banner',
    '-nostats',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    '-video_size',
    `${spec.width}x${spec.height}`,
    '-framerate',
    String(spec.fps),
    '-i',
    'pipe:0',
    '-an',
  ];
  // RGB → limited-range BT.709 YUV, tagged as such, so players do not guess the matrix.
  const color = [
    '-vf',
    'scale=out_color_matrix=bt709:out_range=tv,format=yuv420p',
    '-colorspace',
    'bt709',
    '-color_primaries',
    'bt709',
    '-color_trc',
    'bt709',
    '-color_range',
    'tv',
  ];
  const codec =
    spec.format === 'mp4'
      ? ['-c:v', 'libx264', '-preset', 'medium', '-crf', String(spec.crf), '-movflags', '+faststart']
      : [
          '-c:v',
          'libvpx-vp9',
          '-crf',
          String(spec.crf),
          '-b:v',
          '0',
          '-row-mt',
          '1',
          '-deadline',
          'good',
          '-cpu-used',
          '4',
        ];
  const meta = Object.keys(spec.metadata).length > 0 ? ['-metadata', `comment=${JSON.stringify(spec.metadata)}`] : [];
  return [...input, ...color, ...codec, ...meta, '-f', spec.format, spec.outPath];
}

/** Streams frames into ffmpeg; abort kills the process at once, even mid-write. */
export class FfmpegSink implements FrameSink {
  readonly codec: string;
  readonly pixelFormat = 'yuv420p';
  readonly encoder = 'ffmpeg';
  private readonly proc: FfmpegProcess;
  private readonly detach: () => void;

  constructor(spec: FfmpegSinkSpec) {
    this.codec = spec.format === 'mp4' ? 'h264' : 'vp9';
    this.proc = new FfmpegProcess(spec.command, ffmpegEncodeArgs(spec), `writing ${spec.format} '${spec.what}'`);
    this.detach = onAbort(spec.signal, () => void this.proc.kill());
  }

  write(frame: RgbFrame): Promise<void> {
    return this.proc.write(frame.data);
  }

  async finish(): Promise<void> {
    try {
      await this.proc.end();
    } finally {
      this.detach();
    }
  }

  async abort(): Promise<void> {
    this.detach();
    await this.proc.kill();
  }
}
