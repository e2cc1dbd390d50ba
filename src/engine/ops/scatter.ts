// Scatter-add (ONNX ScatterND with reduction "add"): the adjoint of Gather.
import { ShapeError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { shapeText } from '../host-tensor.js';

/**
 * `data` with `updates` added at the rows named by `indices` [..., 1] (int64) along
 * axis 0; repeated indices accumulate. updates: [...indices.shape[:-1], ...data.shape[1:]].
 */
export function scatterAddRows(data: Tensor, indices: Tensor, updates: Tensor): Tensor {
  if (indices.dtype !== 'int64') throw new ShapeError(`ScatterND: indices '${indices.name}' must be int64`);
  const lead = indices.shape.slice(0, -1);
  const want = [...lead, ...data.shape.slice(1)];
  if (indices.shape[indices.shape.length - 1] !== 1 || shapeText(updates.shape) !== shapeText(want)) {
    throw new ShapeError(
      `ScatterND: indices ${shapeText(indices.shape)} must end in 1 and updates ${shapeText(updates.shape)} be ${shapeText(want)} for data ${shapeText(data.shape)}`,
    );
  }
  if (updates.dtype !== data.dtype) throw new ShapeError(`ScatterND: dtypes differ (${data.dtype}, ${updates.dtype})`);
  return data.graph.node('ScatterND', [data, indices, updates], [{ dtype: data.dtype, shape: data.shape }], {
    reduction: 'add',
  })[0];
}
