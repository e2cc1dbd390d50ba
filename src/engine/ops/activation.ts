// Activations and softmax, composed from primitives where ONNX has no exact op.
import type { Tensor } from '../graph/tensor.js';
import { add, erf, mul, sigmoid, tanh } from './elementwise.js';
import { normAxis } from './shape-utils.js';

export function softmax(x: Tensor, axis = -1): Tensor {
  const a = normAxis('Softmax', axis, x.shape.length);
  return x.graph.node('Softmax', [x], [{ dtype: x.dtype, shape: x.shape }], { axis: a })[0];
}

/** x · sigmoid(x). */
export function silu(x: Tensor): Tensor {
  return mul(x, sigmoid(x));
}

/** GELU, tanh approximation: 0.5x(1 + tanh(√(2/π)(x + 0.044715x³))). */
export function geluTanh(x: Tensor): Tensor {
  const c = Math.sqrt(2 / Math.PI);
  const inner = mul(add(x, mul(mul(mul(x, x), x), 0.044715)), c);
  return mul(mul(x, 0.5), add(tanh(inner), 1));
}

/** GELU, exact: 0.5x(1 + erf(x/√2)). */
export function geluErf(x: Tensor): Tensor {
  return mul(mul(x, 0.5), add(erf(mul(x, Math.SQRT1_2)), 1));
}
