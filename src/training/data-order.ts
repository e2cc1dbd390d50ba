// Seeded data order: a fresh permutation per epoch that is a pure function of
// (seed, epoch), so a checkpoint needs only the cursor (epoch, position).
import { TrainRng } from './rng.js';

export interface DataCursor {
  readonly epoch: number;
  /** Index into this epoch's permutation of the next example. */
  readonly position: number;
}

/** The permutation of [0, n) for an epoch (Fisher–Yates). */
export function epochPermutation(n: number, seed: number, epoch: number): Uint32Array {
  const rng = new TrainRng(seed * 7919 + epoch * 104729 + 17);
  const p = Uint32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

/** Indices of the next `count` examples and the cursor after them. */
export function nextIndices(
  n: number,
  seed: number,
  cursor: DataCursor,
  count: number,
  shuffle = true,
): { indices: number[]; cursor: DataCursor } {
  let { epoch, position } = cursor;
  let perm = shuffle ? epochPermutation(n, seed, epoch) : undefined;
  const indices: number[] = [];
  for (let k = 0; k < count; k++) {
    if (position >= n) {
      epoch++;
      position = 0;
      perm = shuffle ? epochPermutation(n, seed, epoch) : undefined;
    }
    indices.push(perm ? perm[position] : position);
    position++;
  }
  return { indices, cursor: { epoch, position } };
}
