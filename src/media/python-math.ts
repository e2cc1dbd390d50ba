// Python's float semantics where the official preprocessing relies on them.

/** Python 3 `round(x)` for a float: nearest integer, ties to even. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  // Math.round sends ties toward +∞; Python sends them to the even neighbour.
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Python's float floor division `a // b` (CPython float_floor_div, built on fmod). */
export function pyFloorDiv(a: number, b: number): number {
  let mod = a % b;
  let div = (a - mod) / b;
  if (mod !== 0 && b < 0 !== mod < 0) {
    mod += b;
    div -= 1;
  }
  if (div === 0) return 0 * (a / b);
  let floored = Math.floor(div);
  if (div - floored > 0.5) floored += 1;
  return floored;
}
