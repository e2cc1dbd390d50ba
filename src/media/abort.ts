// AbortSignal helpers shared by the writers and readers.
import { CancelledError } from '../engine/errors.js';

/** Calls `fn` once when `signal` aborts (at once if it already has); returns a function that detaches it. */
export function onAbort(signal: AbortSignal | undefined, fn: () => void): () => void {
  if (!signal) return () => {};
  if (signal.aborted) {
    fn();
    return () => {};
  }
  signal.addEventListener('abort', fn, { once: true });
  return () => signal.removeEventListener('abort', fn);
}

/** The CancelledError for an aborted signal, with its reason. */
export function cancelled(signal: AbortSignal, what: string): CancelledError {
  const r = signal.reason;
  const why = r instanceof Error ? r.message : typeof r === 'string' ? r : 'aborted';
  return new CancelledError(`${what}: cancelled (${why})`);
}
