// Normalisations. Statistics are always float32.

import { ShapeError } from '../errors.js';
import { FloatAttr } from '../graph/graph.js';
import type { Tensor } from '../graph/tensor.js';
import { HostTensor, shapeText } from '../host-tensor.js';
import { add, mul, reciprocal, sqrt } from './elementwise.js';
import { reduceMean } from './reduce.js';

/**
 * LayerNorm over the last axis (ONNX LayerNormalization, opset 17). `weight`/`bias`
 * may be omitted for the affine-free norms Wan uses (then ones/zeros are implied).
 */
export function layerNorm(x: Tensor, eps: number, weight?: Tensor, bias?: Tensor): Tensor {
  const c = x.shape[x.shape.length - 1];
  for (const p of [weight, bias]) {
    if (p && (p.shape.length !== 1 || p.shape[0] !== c)) {
      throw new ShapeError(
        `LayerNorm: parameter ${shapeText(p.shape)} does not match last dim of ${shapeText(x.shape)}`,
      );
    }
  }
  const g = x.graph;
  const scale = weight ?? g.constant(onesLike(c, x.dtype), 'ln_ones');
  const inputs = bias ? [x, scale, bias] : [x, scale];
  return g.node('LayerNormalization', inputs, [{ dtype: x.dtype, shape: x.shape }], {
    axis: -1,
    epsilon: new FloatAttr(eps),
  })[0];
}

/** x · rsqrt(mean(x², axes) + eps) (· weight, broadcast by the caller's shape). */
export function rmsNorm(x: Tensor, axes: readonly number[], eps: number, weight?: Tensor): Tensor {
  const ms = reduceMean(mul(x, x), axes, true);
  const y = mul(x, reciprocal(sqrt(add(ms, eps))));
  return weight ? mul(y, weight) : y;
}

/** The implied unit scale, in the input's element type (LayerNormalization needs X and Scale to agree). */
function onesLike(c: number, dtype: Tensor['dtype']): HostTensor {
  if (dtype === 'float64') return new HostTensor('float64', [c], new Float64Array(c).fill(1));
  return HostTensor.f32([c], new Float32Array(c).fill(1));
}
