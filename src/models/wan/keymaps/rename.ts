// Key renaming by module-path prefix. A rule maps a dotted module path in one
// layout to one in the other and keeps the rest of the key, matching only at
// dot boundaries, so `norm2`/`norm3` or `k`/`k_img` can never be confused the
// way plain substring replacement can.

/** `[official, diffusers]` module-path pair; `{n}` matches a block index. */
export type RenameRule = readonly [string, string];

interface Compiled {
  readonly re: RegExp;
  readonly to: string;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compile(from: string, to: string): Compiled {
  const pattern = escapeRegExp(from).replace('\\{n\\}', '(\\d+)');
  return { re: new RegExp(`^${pattern}(?=$|\\.)`), to };
}

/** A renamer for one direction; returns undefined when no rule matches. */
export function makeRenamer(rules: readonly RenameRule[], reverse: boolean): (key: string) => string | undefined {
  const compiled = rules.map(([a, b]) => (reverse ? compile(b, a) : compile(a, b)));
  // Longest source pattern first, so `head.modulation` wins over a shorter rule that also matches.
  compiled.sort((x, y) => y.re.source.length - x.re.source.length);
  return (key) => {
    for (const { re, to } of compiled) {
      const m = re.exec(key);
      if (m) return to.replace('{n}', m[1] ?? '') + key.slice(m[0].length);
    }
    return undefined;
  };
}
