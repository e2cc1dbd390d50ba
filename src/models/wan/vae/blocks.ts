// The building blocks the encoder/decoder topologies are written against, so the
// same topology runs in two layouts: plain NCTHW tensors with ONNX Conv (any
// execution provider), or channel-blocked frames with ONNX Runtime's NCHWc
// convolutions (CPU only, about twice as fast).
import type { Tensor } from '../../../engine/graph/tensor.js';
import type { Scope } from '../../../engine/nn/scope.js';
import type { ChunkIo } from './chunk-io.js';
import type { ResampleMode } from './resample.js';

/**
 * Activations are opaque to the topology code: plain [1, C, T, H, W] or blocked
 * [T, C/B, H, W, B], depending on the implementation. `stem` takes and `head`
 * returns plain [1, C, T, H, W] tensors.
 */
export interface VaeBlocks {
  readonly io: ChunkIo;
  /** A cached CausalConv3d (kernel 3, padding 1) on a plain input. */
  stem(s: Scope, x: Tensor, inC: number, outC: number): Tensor;
  residual(s: Scope, x: Tensor, inC: number, outC: number): Tensor;
  attention(s: Scope, x: Tensor, c: number): Tensor;
  resample(s: Scope, x: Tensor, c: number, mode: ResampleMode, upOut: number): Tensor;
  /** RMS_norm, SiLU, CausalConv3d to `outC` channels; returns a plain tensor. */
  head(s: Scope, x: Tensor, c: number, outC: number): Tensor;
  add(a: Tensor, b: Tensor): Tensor;
  /** 2.2 AvgDown3D shortcut. */
  avgDown(x: Tensor, inC: number, outC: number, ft: number, fs: number): Tensor;
  /** 2.2 DupUp3D shortcut. */
  dupUp(x: Tensor, inC: number, outC: number, ft: number, fs: number): Tensor;
}

/** Keys `middle.0.*` (Res), `middle.1.*` (AttentionBlock), `middle.2.*` (Res). */
export function middle(b: VaeBlocks, s: Scope, x: Tensor, c: number): Tensor {
  const m = s.at('middle');
  x = b.residual(m.at(0), x, c, c);
  x = b.attention(m.at(1), x, c);
  return b.residual(m.at(2), x, c, c);
}
