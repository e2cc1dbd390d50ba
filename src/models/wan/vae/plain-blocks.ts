// VaeBlocks over plain [1, C, T, H, W] tensors and standard ONNX Conv.
import type { Tensor } from '../../../engine/graph/tensor.js';
import type { Scope } from '../../../engine/nn/scope.js';
import { silu } from '../../../engine/ops/activation.js';
import { add } from '../../../engine/ops/elementwise.js';
import { attentionBlock } from './attention-block.js';
import type { VaeBlocks } from './blocks.js';
import { causalConv3d } from './causal-conv.js';
import type { ChunkIo } from './chunk-io.js';
import { type ResampleMode, resample } from './resample.js';
import { residualBlock } from './residual-block.js';
import { rmsNormChannels } from './rms-norm.js';
import { avgDown3d, dupUp3d } from './space-time-shortcut.js';

export function plainBlocks(io: ChunkIo): VaeBlocks {
  return {
    io,
    stem: (s: Scope, x: Tensor, inC: number, outC: number) =>
      causalConv3d(s, io, x, inC, outC, [3, 3, 3], { padding: [1, 1, 1] }),
    residual: (s: Scope, x: Tensor, inC: number, outC: number) => residualBlock(s, io, x, inC, outC),
    attention: (s: Scope, x: Tensor, c: number) => attentionBlock(s, x, c),
    resample: (s: Scope, x: Tensor, c: number, mode: ResampleMode, upOut: number) => resample(s, io, x, c, mode, upOut),
    head: (s: Scope, x: Tensor, c: number, outC: number) => {
      const h = s.at('head');
      const y = silu(rmsNormChannels(h.at(0), x, c, 1, 4));
      return causalConv3d(h.at(2), io, y, c, outC, [3, 3, 3], { padding: [1, 1, 1] });
    },
    add: (a: Tensor, b: Tensor) => add(a, b),
    avgDown: (x: Tensor, _inC: number, outC: number, ft: number, fs: number) => avgDown3d(x, outC, ft, fs),
    dupUp: (x: Tensor, _inC: number, outC: number, ft: number, fs: number) => dupUp3d(x, outC, ft, fs, io.first),
  };
}
