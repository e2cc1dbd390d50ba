// Scalar helpers for reproducing the reference's float32 0-d tensor arithmetic:
// every scalar operation is rounded to float32 as it happens. ±∞ propagate as in
// IEEE arithmetic (σ = 0 gives λ = +∞, σ = 1 gives λ = −∞), which the solvers rely on.

/** Rounds to the nearest float32. */
export const f32 = Math.fround;

/** Half log-SNR of flow matching, `λ(σ) = ln(1 − σ) − ln σ`, each step rounded to float32. */
export function lambdaF32(sigma: number): number {
  const alpha = f32(1 - sigma);
  return f32(f32(Math.log(alpha)) - f32(Math.log(sigma)));
}
