// Markdown tables of an evaluation report (printed by `wanjs eval`, embedded in the model card).
import type { Accuracy, EvalReport } from './eval.js';
import { checkTargets } from './targets.js';

const pct = (v: number) => (Number.isFinite(v) ? `${(100 * v).toFixed(1)} %` : '—');
const num = (v: number, d = 3) => (Number.isFinite(v) ? v.toFixed(d) : '—');

function row(label: string, a: Accuracy): string {
  return `| ${label} | ${a.n} | ${pct(a.colour)} | ${pct(a.shape)} | ${pct(a.motion)} | ${pct(a.all)} | ${num(a.flicker, 4)} |`;
}

/** The held-out text-to-video table, the per-triple table, the image-to-video line and the target check. */
export function evalTables(r: EvalReport): string {
  const head =
    '| prompts | clips | colour | shape | motion | all three | background flicker |\n|---|---:|---:|---:|---:|---:|---:|';
  const lines = [head];
  if (r.t2v.en) lines.push(row('English', r.t2v.en));
  if (r.t2v.zh) lines.push(row('Chinese', r.t2v.zh));
  lines.push(row('**both**', r.t2v.all));
  const out = [
    `Text-to-video on the ${r.perTriple.length} ${r.settings.split === 'validation' ? 'validation (training, fresh scenes)' : 'held-out'} (colour, shape, motion) triples, ${r.settings.scenes} scene(s) per triple × ${r.settings.seeds} seed(s) per language (each scene prompted with the same template in both languages):`,
    '',
    ...lines,
    '',
  ];
  out.push(
    `Diversity across seeds (same prompt): first-frame RMS difference ${num(r.diversity.firstFrame)}, mean centroid distance ${num(r.diversity.centroid)} (fraction of the frame).`,
    '',
  );
  if (r.i2v) {
    out.push(
      `Image-to-video (the ${r.settings.split === 'validation' ? 'validation' : 'held-out'} scene's rendered first frame given, English prompt):`,
      '',
      '| clips | colour kept | shape kept | moves as prompted | all three | first-frame centroid shift |',
      '|---:|---:|---:|---:|---:|---:|',
      `| ${r.i2v.n} | ${pct(r.i2v.colour)} | ${pct(r.i2v.shape)} | ${pct(r.i2v.motion)} | ${pct(r.i2v.all)} | ${num(r.i2v.firstFrameShift)} |`,
      '',
    );
  }
  out.push(
    `Per ${r.settings.split === 'validation' ? 'validation' : 'held-out'} triple (text-to-video, both languages):`,
    '',
    '| colour | shape | motion | clips | colour ok | shape ok | motion ok |',
    '|---|---|---|---:|---:|---:|---:|',
  );
  for (const { triple, accuracy: a } of r.perTriple) {
    out.push(
      `| ${triple.colour} | ${triple.shape} | ${triple.motion} | ${a.n} | ${pct(a.colour)} | ${pct(a.shape)} | ${pct(a.motion)} |`,
    );
  }
  out.push(
    '',
    'Targets (both languages together; the language gap per measure):',
    '',
    '| target | required | measured | met |',
    '|---|---|---|---|',
  );
  for (const c of checkTargets(r))
    out.push(`| ${c.name} | ${c.required} | ${c.measured} | ${c.ok ? 'yes' : '**no**'} |`);
  return out.join('\n');
}
