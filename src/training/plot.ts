// The loss-curve plot, drawn pixel by pixel into an RGBA buffer: axes, "nice"
// ticks with labels in a built-in 3×5 pixel font, the raw loss and a smoothed
// curve. Log scale on y when the loss spans more than a decade.
import { encodePng } from './png.js';

type Rgb = readonly [number, number, number];

/** 3×5 glyphs, rows top to bottom, '1' = ink. */
const FONT: Readonly<Record<string, readonly string[]>> = {
  '0': ['111', '101', '101', '101', '111'],
  '1': ['010', '110', '010', '010', '111'],
  '2': ['111', '001', '111', '100', '111'],
  '3': ['111', '001', '111', '001', '111'],
  '4': ['101', '101', '111', '001', '001'],
  '5': ['111', '100', '111', '001', '111'],
  '6': ['111', '100', '111', '101', '111'],
  '7': ['111', '001', '010', '010', '010'],
  '8': ['111', '101', '111', '101', '111'],
  '9': ['111', '101', '111', '001', '111'],
  '.': ['000', '000', '000', '000', '010'],
  '-': ['000', '000', '111', '000', '000'],
  '+': ['000', '010', '111', '010', '000'],
  e: ['000', '111', '111', '100', '111'],
  s: ['000', '111', '110', '011', '111'],
  t: ['010', '111', '010', '010', '011'],
  p: ['000', '111', '101', '111', '100'],
  l: ['110', '010', '010', '010', '111'],
  o: ['000', '111', '101', '101', '111'],
  g: ['011', '101', '011', '001', '110'],
  ' ': ['000', '000', '000', '000', '000'],
  '(': ['010', '100', '100', '100', '010'],
  ')': ['010', '001', '001', '001', '010'],
};

class Canvas {
  readonly data: Uint8Array;
  constructor(
    readonly w: number,
    readonly h: number,
  ) {
    this.data = new Uint8Array(w * h * 4).fill(255);
  }
  set(x: number, y: number, c: Rgb): void {
    x = Math.round(x);
    y = Math.round(y);
    if (x < 0 || y < 0 || x >= this.w || y >= this.h) return;
    const o = (y * this.w + x) * 4;
    this.data[o] = c[0];
    this.data[o + 1] = c[1];
    this.data[o + 2] = c[2];
    this.data[o + 3] = 255;
  }
  line(x0: number, y0: number, x1: number, y1: number, c: Rgb): void {
    const n = Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0), 1);
    for (let i = 0; i <= n; i++) this.set(x0 + ((x1 - x0) * i) / n, y0 + ((y1 - y0) * i) / n, c);
  }
  /** Text at scale `s`; `anchor` right-aligns or centres on x. */
  text(x: number, y: number, str: string, c: Rgb, s = 2, anchor: 'left' | 'right' | 'center' = 'left'): void {
    const width = str.length * 4 * s - s;
    const x0 = anchor === 'right' ? x - width : anchor === 'center' ? x - width / 2 : x;
    [...str].forEach((ch, i) => {
      const g = FONT[ch] ?? FONT[' '];
      g.forEach((row, ry) => {
        [...row].forEach((bit, rx) => {
          if (bit !== '1') return;
          for (let a = 0; a < s; a++)
            for (let b = 0; b < s; b++) this.set(x0 + (i * 4 + rx) * s + a, y + ry * s + b, c);
        });
      });
    });
  }
}

/** Tick values covering [lo, hi] at a 1-2-5 spacing, about `n` of them. */
export function niceTicks(lo: number, hi: number, n = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((k) => k * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** Ticks between 10^lo and 10^hi: decades, or 1-2-5 steps when fewer than three decades show. */
function logTicks(lo: number, hi: number): number[] {
  const inRange = (v: number): boolean => Math.log10(v) >= lo && Math.log10(v) <= hi;
  const decades: number[] = [];
  const steps: number[] = [];
  for (let e = Math.floor(lo); e <= Math.ceil(hi); e++) {
    for (const m of [1, 2, 5]) {
      const v = Number((m * 10 ** e).toPrecision(12));
      if (!inRange(v)) continue;
      steps.push(v);
      if (m === 1) decades.push(v);
    }
  }
  return decades.length >= 3 ? decades : steps;
}

function label(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(0).replace('e+', 'e');
  return String(Number(v.toPrecision(3)));
}

export interface PlotOptions {
  readonly width?: number;
  readonly height?: number;
  /** Exponential smoothing factor of the darker curve (default 0.9). */
  readonly smoothing?: number;
  readonly logY?: boolean;
}

/** Renders (step, loss) points as a PNG. */
export function plotLossPng(points: readonly { step: number; loss: number }[], opts: PlotOptions = {}): Uint8Array {
  const W = opts.width ?? 640;
  const H = opts.height ?? 400;
  const c = new Canvas(W, H);
  const L = 70;
  const R = 20;
  const T = 20;
  const B = 50;
  const pts = points.filter((p) => Number.isFinite(p.loss));
  const black: Rgb = [0, 0, 0];
  const grid: Rgb = [225, 225, 225];
  const xs = pts.map((p) => p.step);
  const ys = pts.map((p) => p.loss);
  const xlo = xs.length ? Math.min(...xs) : 0;
  const xhi = xs.length ? Math.max(...xs, xlo + 1) : 1;
  const positive = ys.length > 0 && ys.every((y) => y > 0);
  const ylo0 = ys.length ? Math.min(...ys) : 0;
  const yhi0 = ys.length ? Math.max(...ys) : 1;
  const logY = opts.logY ?? (positive && yhi0 / ylo0 > 10);
  const f = (y: number): number => (logY ? Math.log10(y) : y);
  let ylo = f(ylo0);
  let yhi = f(yhi0);
  if (!(yhi > ylo)) {
    ylo -= 0.5;
    yhi += 0.5;
  }
  const pad = (yhi - ylo) * 0.05;
  ylo -= pad;
  yhi += pad;
  const px = (x: number): number => L + ((x - xlo) / (xhi - xlo)) * (W - L - R);
  const py = (y: number): number => H - B - ((f(y) - ylo) / (yhi - ylo)) * (H - T - B);

  // grid and ticks
  for (const t of niceTicks(xlo, xhi, 6)) {
    const x = px(t);
    c.line(x, T, x, H - B, grid);
    c.line(x, H - B, x, H - B + 5, black);
    c.text(x, H - B + 9, label(t), black, 2, 'center');
  }
  const yt = logY ? logTicks(ylo, yhi) : niceTicks(ylo, yhi, 6);
  for (const t of yt) {
    const y = py(t);
    c.line(L, y, W - R, y, grid);
    c.line(L - 5, y, L, y, black);
    c.text(L - 8, y - 5, label(t), black, 2, 'right');
  }
  // axes
  c.line(L, T, L, H - B, black);
  c.line(L, H - B, W - R, H - B, black);
  c.text((L + W - R) / 2, H - 18, 'step', black, 2, 'center');
  c.text(6, T, logY ? 'loss (log)' : 'loss', black, 2, 'left');

  // raw loss, then the smoothed curve on top
  const drawSeries = (vals: readonly number[], color: Rgb): void => {
    for (let i = 1; i < vals.length; i++) c.line(px(xs[i - 1]), py(vals[i - 1]), px(xs[i]), py(vals[i]), color);
    if (vals.length === 1) c.set(px(xs[0]), py(vals[0]), color);
  };
  drawSeries(ys, [150, 190, 235]);
  const a = opts.smoothing ?? 0.9;
  const sm: number[] = [];
  ys.forEach((y, i) => {
    sm.push(i === 0 ? y : a * sm[i - 1] + (1 - a) * y);
  });
  drawSeries(sm, [20, 60, 160]);
  return encodePng(c.data, W, H);
}
