// Normalises the frame inputs writeVideo accepts (arrays, iterables, async
// iterables) into one validated async stream that stops promptly on abort.
import { InputError, ShapeError } from '../engine/errors.js';
import { cancelled, onAbort } from './abort.js';
import { checkRgbFrame, type RgbFrame } from './frame.js';

/** What {@link writeVideo} accepts: frames in memory or produced lazily. */
export type FrameSource = Iterable<RgbFrame> | AsyncIterable<RgbFrame>;

/**
 * Pulls frames from `source`, checking that each is a well-formed RgbFrame of the same
 * size as the first. Waiting for the next frame is raced against `signal`, so an abort
 * is noticed even while a slow producer is still computing.
 */
export class FrameReader {
  private readonly it: Iterator<RgbFrame> | AsyncIterator<RgbFrame>;
  private readonly aborted: Promise<never>;
  private readonly detach: () => void;
  private index = 0;
  private size: { width: number; height: number } | undefined;

  constructor(
    source: FrameSource,
    private readonly what: string,
    signal?: AbortSignal,
  ) {
    if (source === null || typeof source !== 'object') {
      throw new InputError(`${what}: frames must be an array or (async) iterable of RGB frames`);
    }
    if (Symbol.asyncIterator in source) this.it = source[Symbol.asyncIterator]();
    else if (Symbol.iterator in source) this.it = source[Symbol.iterator]();
    else throw new InputError(`${what}: frames must be an array or (async) iterable of RGB frames`);
    let detach = () => {};
    this.aborted = new Promise<never>((_, reject) => {
      detach = onAbort(signal, () => reject(cancelled(signal as AbortSignal, what)));
    });
    this.aborted.catch(() => {});
    this.detach = detach;
  }

  /** Number of frames returned so far. */
  get count(): number {
    return this.index;
  }

  /** The next frame, or undefined at the end. */
  async next(): Promise<RgbFrame | undefined> {
    const r = await Promise.race([this.it.next(), this.aborted]);
    if (r.done) return undefined;
    const frame = r.value;
    const name = `${this.what}: frame ${this.index}`;
    checkRgbFrame(frame, name);
    if (this.size === undefined) this.size = { width: frame.width, height: frame.height };
    else if (frame.width !== this.size.width || frame.height !== this.size.height) {
      throw new ShapeError(
        `${name} is ${frame.width}×${frame.height}, frame 0 is ${this.size.width}×${this.size.height}; all frames must match`,
      );
    }
    this.index++;
    return frame;
  }

  /** Stops listening for abort and lets the producer clean up (generators run their finally blocks). */
  close(): void {
    this.detach();
    const ret = this.it.return?.();
    if (ret instanceof Promise) ret.catch(() => {});
  }
}
