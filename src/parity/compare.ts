// Element-wise comparison with numpy.allclose semantics.
import { type HostTensor, shapeText, toFloat64Array } from '../engine/host-tensor.js';

export interface Comparison {
  readonly name: string;
  readonly maxAbs: number;
  /** maxAbs / max|expected| (0 when expected is all zeros and so is the error). */
  readonly rel: number;
  readonly atol: number;
  readonly rtol: number;
  readonly pass: boolean;
  readonly note?: string;
}

/** |a − e| <= atol + rtol·|e| everywhere, shapes equal, no NaN where the golden has none. */
export function compareTensors(
  name: string,
  actual: HostTensor,
  expected: HostTensor,
  atol: number,
  rtol: number,
): Comparison {
  const a = toFloat64Array(actual);
  const e = toFloat64Array(expected);
  const sameShape = shapeText(actual.shape) === shapeText(expected.shape);
  if (!sameShape && a.length !== e.length) {
    return {
      name,
      maxAbs: Number.NaN,
      rel: Number.NaN,
      atol,
      rtol,
      pass: false,
      note: `shape ${shapeText(actual.shape)} != ${shapeText(expected.shape)}`,
    };
  }
  let maxAbs = 0;
  let maxRef = 0;
  let ok = true;
  for (let i = 0; i < e.length; i++) {
    const d = Math.abs(a[i] - e[i]);
    if (Number.isNaN(d)) {
      if (!(Number.isNaN(a[i]) && Number.isNaN(e[i])) && a[i] !== e[i]) ok = false;
      continue;
    }
    if (d > maxAbs) maxAbs = d;
    const r = Math.abs(e[i]);
    if (r > maxRef) maxRef = r;
    if (d > atol + rtol * r) ok = false;
  }
  const note = sameShape ? undefined : `shape ${shapeText(actual.shape)} vs ${shapeText(expected.shape)} (same size)`;
  return { name, maxAbs, rel: maxRef > 0 ? maxAbs / maxRef : maxAbs, atol, rtol, pass: ok, note };
}
