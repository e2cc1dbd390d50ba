// The UniC-2 corrector solves [[1, 1], [r, 1]]·ρ = [b1, b2]. The reference does
// it with torch.linalg.solve, which LU-factorises the transpose [[1, r], [1, 1]]
// (no row swap: both pivot candidates are 1) and solves with the transposed
// factors in float32. Repeating those exact operations gives bit-identical ρ.
import { f32 } from './float32-math.js';

/** Solves `[[1, 1], [r, 1]]·[ρ0, ρ1] = [b1, b2]` in float32, as torch.linalg.solve does. */
export function solveUniC2(r: number, b1: number, b2: number): [number, number] {
  const u22 = f32(1 - r);
  const rho1 = f32(f32(b2 - f32(r * b1)) / u22);
  return [f32(b1 - rho1), rho1];
}
