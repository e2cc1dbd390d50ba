// N-d transposed convolution (ONNX ConvTranspose): the adjoint of Conv with the
// same weight, used for the input gradient of Conv and for learned upsampling.
import { ShapeError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { shapeText } from '../host-tensor.js';

export interface ConvTransposeOptions {
  /** Per spatial axis. */
  readonly strides?: readonly number[];
  /** Per spatial axis, [before, after]: removed from the full output. */
  readonly pads?: readonly (readonly [number, number])[];
  readonly dilations?: readonly number[];
  readonly group?: number;
  /** Extra elements at the end of each spatial axis (each < stride or dilation). */
  readonly outputPadding?: readonly number[];
}

/**
 * x [N, C, ...S], w [C, O/group, ...K] (the Conv weight layout read backwards), b [O].
 * Output size per axis: stride·(S − 1) + outputPadding + (K − 1)·dilation + 1 − padBefore − padAfter.
 */
export function convTranspose(x: Tensor, w: Tensor, b: Tensor | undefined, opts: ConvTransposeOptions = {}): Tensor {
  const sp = x.shape.length - 2;
  if (sp < 1 || w.shape.length !== x.shape.length) {
    throw new ShapeError(
      `ConvTranspose: input ${shapeText(x.shape)} and weight ${shapeText(w.shape)} ranks do not match`,
    );
  }
  const group = opts.group ?? 1;
  if (x.shape[1] !== w.shape[0]) {
    throw new ShapeError(`ConvTranspose: input channels ${x.shape[1]} != weight ${shapeText(w.shape)} dim 0`);
  }
  const outC = w.shape[1] * group;
  if (b && (b.shape.length !== 1 || b.shape[0] !== outC)) {
    throw new ShapeError(`ConvTranspose: bias ${shapeText(b.shape)} does not match ${outC} output channels`);
  }
  const strides = opts.strides ?? new Array(sp).fill(1);
  const dil = opts.dilations ?? new Array(sp).fill(1);
  const pads = opts.pads ?? new Array(sp).fill([0, 0]);
  const outPad = opts.outputPadding ?? new Array(sp).fill(0);
  const k = w.shape.slice(2);
  const outSp = x.shape.slice(2).map((d, i) => {
    if (outPad[i] < 0 || (outPad[i] >= strides[i] && outPad[i] >= dil[i])) {
      throw new ShapeError(
        `ConvTranspose: output padding ${outPad[i]} on axis ${i + 2} must be below stride ${strides[i]} or dilation ${dil[i]}`,
      );
    }
    const o = strides[i] * (d - 1) + outPad[i] + (k[i] - 1) * dil[i] + 1 - pads[i][0] - pads[i][1];
    if (o < 1) throw new ShapeError(`ConvTranspose: empty output on axis ${i + 2} for input ${shapeText(x.shape)}`);
    return o;
  });
  const shape = [x.shape[0], outC, ...outSp];
  const flatPads = [...pads.map((p) => p[0]), ...pads.map((p) => p[1])];
  return x.graph.node('ConvTranspose', b ? [x, w, b] : [x, w], [{ dtype: x.dtype, shape }], {
    kernel_shape: k,
    strides,
    dilations: dil,
    pads: flatPads,
    group,
    output_padding: outPad,
  })[0];
}
