// N-d convolution (NCHW / NCDHW) as ONNX Conv.
import { ShapeError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { shapeText } from '../host-tensor.js';

export interface ConvOptions {
  /** Per spatial axis. */
  readonly strides?: readonly number[];
  /** Per spatial axis, [before, after]. */
  readonly pads?: readonly (readonly [number, number])[];
  readonly dilations?: readonly number[];
  readonly group?: number;
}

/** x [N, C, ...S], w [O, C/group, ...K], b [O]. */
export function conv(x: Tensor, w: Tensor, b: Tensor | undefined, opts: ConvOptions = {}): Tensor {
  const sp = x.shape.length - 2;
  if (sp < 1 || w.shape.length !== x.shape.length) {
    throw new ShapeError(`Conv: input ${shapeText(x.shape)} and weight ${shapeText(w.shape)} ranks do not match`);
  }
  const group = opts.group ?? 1;
  if (x.shape[1] !== w.shape[1] * group) {
    throw new ShapeError(`Conv: input channels ${x.shape[1]} != weight ${shapeText(w.shape)} x group ${group}`);
  }
  if (b && (b.shape.length !== 1 || b.shape[0] !== w.shape[0])) {
    throw new ShapeError(`Conv: bias ${shapeText(b.shape)} does not match ${w.shape[0]} output channels`);
  }
  const strides = opts.strides ?? new Array(sp).fill(1);
  const dil = opts.dilations ?? new Array(sp).fill(1);
  const pads = opts.pads ?? new Array(sp).fill([0, 0]);
  const k = w.shape.slice(2);
  const outSp = x.shape.slice(2).map((d, i) => {
    const eff = (k[i] - 1) * dil[i] + 1;
    const o = Math.floor((d + pads[i][0] + pads[i][1] - eff) / strides[i]) + 1;
    if (o < 1) {
      throw new ShapeError(
        `Conv: kernel ${shapeText(k)} larger than padded input ${shapeText(x.shape)} on axis ${i + 2}`,
      );
    }
    return o;
  });
  const shape = [x.shape[0], w.shape[0], ...outSp];
  const flatPads = [...pads.map((p) => p[0]), ...pads.map((p) => p[1])];
  return x.graph.node('Conv', b ? [x, w, b] : [x, w], [{ dtype: x.dtype, shape }], {
    kernel_shape: k,
    strides,
    dilations: dil,
    pads: flatPads,
    group,
  })[0];
}
