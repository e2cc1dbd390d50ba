// Sinusoidal timestep embedding (sinusoidal_embedding_1d), computed in float64 as upstream.

/** [cos(t·ω_k)…, sin(t·ω_k)…] with ω_k = 10000^(−k/half), k < half = dim/2; cast to float32. */
export function sinusoidalEmbedding(dim: number, timesteps: readonly number[]): Float32Array {
  const half = dim / 2;
  const out = new Float32Array(timesteps.length * dim);
  const omega = Float64Array.from({ length: half }, (_, k) => 10000 ** (-k / half));
  timesteps.forEach((t, i) => {
    for (let k = 0; k < half; k++) {
      const a = t * omega[k];
      out[i * dim + k] = Math.cos(a);
      out[i * dim + half + k] = Math.sin(a);
    }
  });
  return out;
}
