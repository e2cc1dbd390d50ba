// Opt-in lossy kernels: int8 GEMMs with dynamic activation quantization. Not part
// of the primitive set (no gradient rule) and not float32-faithful.
import { ShapeError } from '../errors.js';
import type { Tensor } from '../graph/tensor.js';
import { shapeText } from '../host-tensor.js';

/**
 * `a [M, K] · dequant(bq) + bias` with `bq` int8 [K, N] and one scale per output
 * column [N] (com.microsoft DynamicQuantizeMatMul): `a` is quantized to uint8 per
 * tensor (asymmetric, min/max of this call) and the product runs in integer
 * arithmetic (MLAS u8s8 GEMM), then is rescaled to float32.
 */
export function dynamicQuantizeMatMul(a: Tensor, bq: Tensor, bScale: Tensor, bias?: Tensor): Tensor {
  const [m, k] = a.shape;
  const n = bq.shape[1];
  if (
    a.rank !== 2 ||
    a.dtype !== 'float32' ||
    bq.rank !== 2 ||
    bq.dtype !== 'int8' ||
    bq.shape[0] !== k ||
    shapeText(bScale.shape) !== shapeText([n]) ||
    (bias && shapeText(bias.shape) !== shapeText([n]))
  ) {
    throw new ShapeError(
      `DynamicQuantizeMatMul: a ${a.dtype} ${shapeText(a.shape)}, b ${bq.dtype} ${shapeText(bq.shape)}, scale ${shapeText(bScale.shape)}${bias ? `, bias ${shapeText(bias.shape)}` : ''} do not fit [M, K]·[K, N]`,
    );
  }
  const inputs = bias ? [a, bq, bScale, null, bias] : [a, bq, bScale];
  return a.graph.node('DynamicQuantizeMatMul', inputs, [{ dtype: 'float32', shape: [m, n] }], {}, 'com.microsoft')[0];
}
