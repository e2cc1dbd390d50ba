// Human progress output: a redrawn bar on a terminal, plain lines otherwise.
import type { ProgressEvent } from '../pipelines/types.js';
import type { CliIo } from './io.js';

export function progressPrinter(io: CliIo): (e: ProgressEvent) => void {
  let last = '';
  return (e) => {
    const frac = e.step !== undefined && e.total ? e.step / e.total : undefined;
    const bar = frac === undefined ? '' : `[${'#'.repeat(Math.round(frac * 24)).padEnd(24, '.')}] ${e.step}/${e.total}`;
    const eta = e.etaS !== undefined ? ` eta ${e.etaS.toFixed(1)}s` : '';
    const line = `${e.phase.padEnd(14)} ${bar}${eta}  ${e.elapsedS.toFixed(1)}s${e.detail ? `  ${e.detail}` : ''}`;
    if (io.isTty) io.err(`\u001b[2K\r${line}\u001b[1A`);
    else if (e.phase !== last || e.step === e.total) io.err(line);
    last = e.phase;
  };
}
