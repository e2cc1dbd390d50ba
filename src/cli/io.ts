// The CLI's view of the outside world, injected so commands are testable.
import type { Runtime } from '../engine/runtime/runtime.js';

export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Whether stderr is an interactive terminal (progress bars). */
  readonly isTty: boolean;
  /** Created lazily: commands that never run a model don't load ONNX Runtime. */
  readonly runtime: () => Promise<Runtime>;
  readonly signal?: AbortSignal;
}

export type Command = (argv: readonly string[], io: CliIo) => Promise<number>;
