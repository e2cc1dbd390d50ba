// Peak resident memory of this process.
import { readFileSync } from 'node:fs';

/** VmHWM (the kernel's peak RSS) in MB where /proc exists, else the current RSS. */
export function peakRssMb(): number {
  try {
    const m = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) / 1024;
  } catch {
    // not Linux: fall through
  }
  return process.memoryUsage().rss / (1024 * 1024);
}
