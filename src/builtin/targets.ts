// The built-in model's acceptance targets on held-out combinations, and the check.
import type { EvalReport } from './eval.js';

/** Minimum accuracies (fractions) and the largest English–Chinese gap (points of accuracy). */
export const BUILTIN_TARGETS = { colour: 0.9, shape: 0.8, motion: 0.8, languageGap: 0.05 } as const;

/** One line per target: what was required, what was measured, and whether it holds. */
export interface TargetCheck {
  readonly name: string;
  readonly required: string;
  readonly measured: string;
  readonly ok: boolean;
}

const pct = (v: number) => `${(100 * v).toFixed(1)} %`;

/** Checks a report's text-to-video figures (all languages together) against the targets. */
export function checkTargets(r: EvalReport): TargetCheck[] {
  const t = BUILTIN_TARGETS;
  const all = r.t2v.all;
  const out: TargetCheck[] = [
    { name: 'colour', required: `≥ ${pct(t.colour)}`, measured: pct(all.colour), ok: all.colour >= t.colour },
    { name: 'shape', required: `≥ ${pct(t.shape)}`, measured: pct(all.shape), ok: all.shape >= t.shape },
    { name: 'motion', required: `≥ ${pct(t.motion)}`, measured: pct(all.motion), ok: all.motion >= t.motion },
  ];
  const en = r.t2v.en;
  const zh = r.t2v.zh;
  if (en && zh) {
    for (const k of ['colour', 'shape', 'motion'] as const) {
      const gap = Math.abs(en[k] - zh[k]);
      out.push({
        name: `${k}: Chinese vs English`,
        required: `within ${(100 * t.languageGap).toFixed(0)} points`,
        measured: `${(100 * (zh[k] - en[k])).toFixed(1)} points`,
        ok: gap <= t.languageGap + 1e-9,
      });
    }
  }
  return out;
}
