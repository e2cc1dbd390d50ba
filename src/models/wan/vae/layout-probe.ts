// Finds out whether ONNX Runtime's NCHWc kernels are available in this process and
// with which channel block (16 with AVX-512, 8 with AVX2): one tiny ReorderInput.
import { HostTensor, toFloat64Array } from '../../../engine/host-tensor.js';
import { reshape } from '../../../engine/ops/movement.js';
import { reorderInput } from '../../../engine/ops/nchwc.js';
import type { Program } from '../../../engine/program.js';

/** The NCHWc block size, or undefined when the kernels are missing (non-x86 builds, other providers). */
export async function probeNchwcBlock(program: Program): Promise<number | undefined> {
  // x[c, w] = 2c + w for 16 channels and 2 columns. Blocked by 16, flat[8] is channel 8 of
  // column 0 (16); blocked by 8 it is channel 0 of column 1 (1).
  const x = HostTensor.f32(
    [1, 16, 1, 2],
    Array.from({ length: 32 }, (_, i) => i),
  );
  try {
    const res = await program.run(
      'vae-nchwc-probe',
      (g) => {
        const xi = g.input('x', 'float32', [1, 16, 1, 2]);
        g.output('y', reshape(reorderInput(xi, 16), [32]));
      },
      { x },
      new Map(),
    );
    const v = toFloat64Array(res.y)[8];
    return v === 16 ? 16 : v === 1 ? 8 : undefined;
  } catch {
    return undefined;
  }
}
