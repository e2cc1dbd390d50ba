// Finding and driving the ffmpeg executable. Detection is an explicit function
// that callers pass around (tests inject one that finds nothing), never a cached global.
import { type ChildProcess, spawn } from 'node:child_process';
import { MediaError } from './media-error.js';

/**
 * Resolves to the ffmpeg command to run, or `undefined` when none is usable.
 * Passed to {@link writeVideo} as `locateFfmpeg`, so callers and tests decide how ffmpeg
 * is found (or pretend it is absent).
 */
export type FfmpegLocator = (signal?: AbortSignal) => Promise<string | undefined>;

/**
 * A locator that accepts `command` (default `'ffmpeg'`, looked up on PATH) when
 * `command -version` runs and exits 0 within 10 s.
 *
 * @example
 * await writeVideo(frames, { path: 'a.mp4', fps: 16, locateFfmpeg: ffmpegOnPath('/opt/ffmpeg/bin/ffmpeg') });
 */
export function ffmpegOnPath(command = 'ffmpeg'): FfmpegLocator {
  return (signal) =>
    new Promise((resolve) => {
      let child: ChildProcess;
      try {
        child = spawn(command, ['-hide_banner', '-version'], { stdio: 'ignore', signal, timeout: 10_000 });
      } catch {
        resolve(undefined);
        return;
      }
      child.on('error', () => resolve(undefined));
      child.once('close', (code) => resolve(code === 0 ? command : undefined));
    });
}

/** A locator that never finds ffmpeg: forces the pure-npm encoders. */
export const noFfmpeg: FfmpegLocator = async () => undefined;

/** Keeps the last `limit` bytes a process wrote to stderr, for error messages. */
export class StderrTail {
  private chunks: Buffer[] = [];
  private size = 0;
  constructor(private readonly limit = 4096) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size - this.chunks[0].length >= this.limit) {
      this.size -= this.chunks[0].length;
      this.chunks.shift();
    }
  }

  text(): string {
    const all = Buffer.concat(this.chunks);
    const tail = all
      .subarray(Math.max(0, all.length - this.limit))
      .toString('utf8')
      .trim();
    return tail.length > 0 ? tail : '(no output on stderr)';
  }
}

/** What a finished process reported. */
export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/**
 * A spawned ffmpeg/ffprobe (stdin piped by default: it takes raw frames). `write` honours backpressure,
 * `end` waits for a clean exit, `kill` stops the process and waits until it is gone, and
 * every failure becomes a MediaError naming the tool and quoting its stderr tail.
 */
export class FfmpegProcess {
  readonly child: ChildProcess;
  readonly stderr = new StderrTail();
  private readonly exited: Promise<Exit>;
  private readonly exitWaiters = new Set<() => void>();
  private exit: Exit | undefined;
  private error: Error | undefined;

  constructor(
    readonly command: string,
    readonly args: readonly string[],
    readonly what: string,
    io: { stdin?: 'pipe' | 'ignore'; stdout?: 'pipe' | 'ignore' } = {},
  ) {
    this.child = spawn(command, args, { stdio: [io.stdin ?? 'pipe', io.stdout ?? 'ignore', 'pipe'] });
    this.child.stderr?.on('data', (c: Buffer) => this.stderr.push(c));
    // A closed pipe (ffmpeg exited early) surfaces through the exit code instead.
    this.child.stdin?.on('error', () => {});
    this.exited = new Promise((resolve) => {
      const finish = (exit: Exit) => {
        if (this.exit !== undefined) return;
        this.exit = exit;
        resolve(exit);
        for (const w of this.exitWaiters) w();
        this.exitWaiters.clear();
      };
      this.child.on('error', (e) => {
        this.error ??= e;
        // Without a pid the process never started and 'close' may not follow.
        if (this.child.pid === undefined) finish({ code: null, signal: null });
      });
      this.child.once('close', (code, signal) => finish({ code, signal }));
    });
  }

  /** Writes one chunk to stdin, waiting for 'drain' (or the process's end) when the pipe is full. */
  async write(chunk: Uint8Array): Promise<void> {
    const stdin = this.child.stdin;
    if (this.exit !== undefined || !stdin || stdin.destroyed)
      throw await this.failure('exited before all frames were written');
    if (stdin.write(chunk)) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        stdin.off('drain', done);
        this.exitWaiters.delete(done);
        resolve();
      };
      stdin.once('drain', done);
      this.exitWaiters.add(done);
    });
    if (this.exit !== undefined) throw await this.failure('exited before all frames were written');
  }

  /** Closes stdin and waits for the process; throws unless it exits with code 0. */
  async end(): Promise<void> {
    this.child.stdin?.end();
    const exit = await this.exited;
    if (exit.code !== 0) throw await this.failure('failed');
  }

  /** Waits for the process to exit and returns how it exited. */
  wait(): Promise<Exit> {
    return this.exited;
  }

  /** Kills the process (SIGKILL) and resolves once it has exited. */
  async kill(): Promise<void> {
    if (this.exit === undefined) {
      this.child.stdin?.destroy();
      this.child.kill('SIGKILL');
    }
    await this.exited;
  }

  /** A MediaError describing how the process ended, with its stderr tail. */
  async failure(verb: string): Promise<MediaError> {
    const exit = await this.exited;
    if (this.child.pid === undefined) {
      const why = this.error?.message ?? 'it did not start';
      return new MediaError(`${this.what}: cannot run '${this.command}': ${why}`, { cause: this.error });
    }
    const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
    return new MediaError(
      `${this.what}: ${this.command} ${verb} (${how}); its stderr ends with:\n${this.stderr.text()}`,
    );
  }
}
