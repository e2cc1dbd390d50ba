// Host-side copies between whole clips [C, F, H, W] and the chunk / tile tensors
// [1, C, n, h, w] the graphs take and return.

/** Copies frames [f0, f0+n) and the window (y0, x0, h, w) of a [C, F, H, W] clip. */
export function cropClip(
  src: Float32Array,
  shape: readonly number[],
  f0: number,
  n: number,
  y0: number,
  x0: number,
  h: number,
  w: number,
): Float32Array {
  const [c, f, hh, ww] = shape;
  const out = new Float32Array(c * n * h * w);
  const full = y0 === 0 && x0 === 0 && h === hh && w === ww;
  let o = 0;
  for (let ci = 0; ci < c; ci++) {
    for (let t = 0; t < n; t++) {
      const base = (ci * f + f0 + t) * hh * ww;
      if (full) {
        out.set(src.subarray(base, base + hh * ww), o);
        o += hh * ww;
        continue;
      }
      for (let y = 0; y < h; y++) {
        const r = base + (y0 + y) * ww + x0;
        out.set(src.subarray(r, r + w), o);
        o += w;
      }
    }
  }
  return out;
}

/** Writes a chunk [C, n, H, W] into frames [f0, f0+n) of a [C, F, H, W] clip, clamping if asked. */
export function pasteFrames(
  dst: Float32Array,
  frames: number,
  chunk: Float32Array,
  c: number,
  n: number,
  plane: number,
  f0: number,
  clamp: boolean,
): void {
  for (let ci = 0; ci < c; ci++) {
    const src = chunk.subarray(ci * n * plane, (ci + 1) * n * plane);
    const at = (ci * frames + f0) * plane;
    if (!clamp) dst.set(src, at);
    else for (let i = 0; i < src.length; i++) dst[at + i] = src[i] < -1 ? -1 : src[i] > 1 ? 1 : src[i];
  }
}

/** acc[c, t, y0+y, x0+x] += wy[y]·wx[x]·tile[c, t, y, x] for a [C, n, H, W] accumulator. */
export function blendInto(
  acc: Float32Array,
  accH: number,
  accW: number,
  tile: Float32Array,
  planes: number,
  y0: number,
  x0: number,
  wy: Float32Array,
  wx: Float32Array,
): void {
  const h = wy.length;
  const w = wx.length;
  for (let p = 0; p < planes; p++) {
    for (let y = 0; y < h; y++) {
      const src = (p * h + y) * w;
      const dst = (p * accH + y0 + y) * accW + x0;
      const a = wy[y];
      for (let x = 0; x < w; x++) acc[dst + x] += a * wx[x] * tile[src + x];
    }
  }
}

/** Sum of the blend weights of every tile at each output pixel [H, W]. */
export function weightSum(
  accH: number,
  accW: number,
  tiles: readonly { y0: number; x0: number; wy: Float32Array; wx: Float32Array }[],
): Float32Array {
  const s = new Float32Array(accH * accW);
  for (const t of tiles) {
    for (let y = 0; y < t.wy.length; y++) {
      const row = (t.y0 + y) * accW + t.x0;
      for (let x = 0; x < t.wx.length; x++) s[row + x] += t.wy[y] * t.wx[x];
    }
  }
  return s;
}
