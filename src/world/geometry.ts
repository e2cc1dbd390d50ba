// Shape outlines in local units: every shape has area π (the area of the unit circle), so the
// "radius" of a scene object is the radius of its equal-area circle whatever its shape. Local
// coordinates have y pointing down; orientation 0 is axis-aligned (square) or pointing up.
import type { ShapeName } from './vocab.js';

/** Half the side of the square of area π. */
const SQUARE_HALF = Math.sqrt(Math.PI) / 2;
/** Circumradius of the equilateral triangle of area π: side² · √3/4 = π, R = side/√3. */
const TRIANGLE_CIRCUMRADIUS = Math.sqrt((4 * Math.PI) / Math.sqrt(3)) / Math.sqrt(3);
const TRIANGLE_INRADIUS = TRIANGLE_CIRCUMRADIUS / 2;
/** Inner/outer radius ratio of the five-pointed star. */
const STAR_INNER_RATIO = 0.45;
/** Outer radius of the star of area π: ten triangles of area ½·Ro·Ri·sin 36°. */
const STAR_OUTER = Math.sqrt(Math.PI / (5 * STAR_INNER_RATIO * Math.sin(Math.PI / 5)));
const STAR_INNER = STAR_OUTER * STAR_INNER_RATIO;
const STAR_SECTOR = (2 * Math.PI) / 5;

/** Triangle edge normals (outward): the edges face away from the vertices at -90°, 30°, 150°. */
const TRI_NORMALS: readonly (readonly [number, number])[] = [90, 210, 330].map((deg) => {
  const a = (deg * Math.PI) / 180;
  return [Math.cos(a), Math.sin(a)] as const;
});

/** Unit directions of the star's tips, the first pointing up (-y). */
const STAR_TIPS: readonly (readonly [number, number])[] = [0, 1, 2, 3, 4].map((i) => {
  const a = -Math.PI / 2 + i * STAR_SECTOR;
  return [Math.cos(a), Math.sin(a)] as const;
});

/** For each tip, its two edges as outward normal (nx, ny) and offset c: inside is n·p ≤ c. */
const STAR_EDGES: readonly (readonly (readonly [number, number, number])[])[] = STAR_TIPS.map(([tx, ty], i) => {
  const a = -Math.PI / 2 + i * STAR_SECTOR;
  return [-1, 1].map((side) => {
    const b = a + (side * STAR_SECTOR) / 2;
    const px = STAR_OUTER * tx;
    const py = STAR_OUTER * ty;
    const qx = STAR_INNER * Math.cos(b);
    const qy = STAR_INNER * Math.sin(b);
    // Normal of the edge p→q, flipped to point away from the centre.
    let nx = qy - py;
    let ny = px - qx;
    if (nx * px + ny * py < 0) {
      nx = -nx;
      ny = -ny;
    }
    const len = Math.hypot(nx, ny);
    return [nx / len, ny / len, (nx * px + ny * py) / len] as const;
  });
});

/** Distance from the centre to the farthest point of the outline, in equal-area-radius units. */
export function shapeExtent(shape: ShapeName): number {
  switch (shape) {
    case 'circle':
      return 1;
    case 'square':
      return SQUARE_HALF * Math.SQRT2;
    case 'triangle':
      return TRIANGLE_CIRCUMRADIUS;
    case 'star':
      return STAR_OUTER;
  }
}

/** Rotational symmetry period in radians (0 for the circle: every angle looks the same). */
export function shapeSymmetry(shape: ShapeName): number {
  switch (shape) {
    case 'circle':
      return 0;
    case 'square':
      return Math.PI / 2;
    case 'triangle':
      return (2 * Math.PI) / 3;
    case 'star':
      return STAR_SECTOR;
  }
}

/** Whether local point (u, v) (unrotated, unit equal-area radius) lies inside the shape. */
export function insideShape(shape: ShapeName, u: number, v: number): boolean {
  switch (shape) {
    case 'circle':
      return u * u + v * v <= 1;
    case 'square':
      return Math.abs(u) <= SQUARE_HALF && Math.abs(v) <= SQUARE_HALF;
    case 'triangle':
      for (const [nx, ny] of TRI_NORMALS) if (u * nx + v * ny > TRIANGLE_INRADIUS) return false;
      return true;
    case 'star':
      return insideStar(u, v);
  }
}

function insideStar(u: number, v: number): boolean {
  const r2 = u * u + v * v;
  if (r2 <= STAR_INNER * STAR_INNER) return true;
  if (r2 > STAR_OUTER * STAR_OUTER) return false;
  // The tip whose direction is nearest to p owns p's 72° sector; inside that sector the star is the
  // convex kite (centre, inner vertex, tip, inner vertex), bounded by the two edges at the tip.
  let k = 0;
  let best = -Infinity;
  for (let i = 0; i < 5; i++) {
    const d = u * STAR_TIPS[i][0] + v * STAR_TIPS[i][1];
    if (d > best) {
      best = d;
      k = i;
    }
  }
  for (const [nx, ny, c] of STAR_EDGES[k]) if (u * nx + v * ny > c) return false;
  return true;
}

/**
 * A conservative signed distance to the outline in local units: at most the true distance outside
 * (positive), exactly or less than the true depth inside (negative), and 0 where it cannot tell.
 * It lets coverage skip supersampling for pixels that are surely all in or all out.
 */
export function outlineBound(shape: ShapeName, u: number, v: number): number {
  switch (shape) {
    case 'circle':
      return Math.sqrt(u * u + v * v) - 1;
    case 'square':
      return Math.max(Math.abs(u), Math.abs(v)) - SQUARE_HALF;
    case 'triangle': {
      let d = Number.NEGATIVE_INFINITY;
      for (const [nx, ny] of TRI_NORMALS) d = Math.max(d, u * nx + v * ny - TRIANGLE_INRADIUS);
      return d;
    }
    case 'star': {
      // The disc of radius Ri lies inside (the inner vertices are the nearest outline points) and
      // the disc of radius Ro contains the star.
      const r = Math.sqrt(u * u + v * v);
      return r < STAR_INNER ? r - STAR_INNER : r > STAR_OUTER ? r - STAR_OUTER : 0;
    }
  }
}

/**
 * Fraction of a pixel covered by a placed shape. (dx, dy) is the pixel centre minus the shape
 * centre in pixels, r the shape's scale in pixels, (cos, sin) its rotation (positive turns clockwise
 * on screen, y down); ss×ss point samples are averaged unless the pixel is surely all in or out.
 */
export function pixelCoverage(
  shape: ShapeName,
  dx: number,
  dy: number,
  r: number,
  cos: number,
  sin: number,
  ss: number,
): number {
  const inv = 1 / r;
  // Half the pixel diagonal, in local units, bounds how far any sample is from the pixel centre.
  const halfDiagonal = Math.SQRT1_2 * inv;
  const b = outlineBound(shape, (cos * dx + sin * dy) * inv, (-sin * dx + cos * dy) * inv);
  if (b <= -halfDiagonal) return 1;
  if (b >= halfDiagonal) return 0;
  let hits = 0;
  for (let j = 0; j < ss; j++) {
    const sy = (dy + (j + 0.5) / ss - 0.5) * inv;
    for (let i = 0; i < ss; i++) {
      const sx = (dx + (i + 0.5) / ss - 0.5) * inv;
      if (insideShape(shape, cos * sx + sin * sy, -sin * sx + cos * sy)) hits++;
    }
  }
  return hits / (ss * ss);
}
