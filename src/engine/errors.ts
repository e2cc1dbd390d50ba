// Error types shared by every layer. Messages name the thing (file, field, op),
// what was expected and what was found, so a user can act without a debugger.

/** Base class: every error wanjs raises on purpose is a WanError with a stable code. */
export class WanError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A graph was built with incompatible shapes or dtypes; raised while building, never by ORT. */
export class ShapeError extends WanError {
  constructor(message: string) {
    super('E_SHAPE', message);
  }
}

/** A checkpoint file is malformed, truncated, of an unsupported dtype or unsafe. */
export class CheckpointError extends WanError {
  readonly file: string;
  constructor(file: string, message: string, options?: { cause?: unknown }) {
    super('E_CHECKPOINT', `${file}: ${message}`, options);
    this.file = file;
  }
}

/** Declared parameters and checkpoint keys do not match. */
export class BindingError extends WanError {
  readonly missing: readonly string[];
  readonly unexpected: readonly string[];
  constructor(message: string, missing: readonly string[], unexpected: readonly string[]) {
    super('E_BINDING', message);
    this.missing = missing;
    this.unexpected = unexpected;
  }
}

/** The requested execution device cannot be used here. */
export class DeviceUnavailableError extends WanError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_DEVICE', message, options);
  }
}

/** User input (CLI flags, request fields, config values) is invalid. */
export class InputError extends WanError {
  constructor(message: string) {
    super('E_INPUT', message);
  }
}

/** Work was cancelled through an AbortSignal. */
export class CancelledError extends WanError {
  constructor(message = 'cancelled') {
    super('E_CANCELLED', message);
  }
}

/** Throws CancelledError if the signal is aborted; call between units of work. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError(reasonText(signal.reason));
}

function reasonText(reason: unknown): string {
  if (reason instanceof Error) return `cancelled: ${reason.message}`;
  if (typeof reason === 'string') return `cancelled: ${reason}`;
  return 'cancelled';
}
