// Name patterns for choosing parameters or modules: globs (`blocks.*.self_attn.q`,
// `**.ffn.*`) or regular expressions written between slashes (`/attn\.(q|k)$/`).
import { InputError } from '../engine/errors.js';

/**
 * Compiles one pattern. Globs match the whole name: `*` matches within one
 * dotted segment, `**` across segments, `?` one character. `/re/flags` is a
 * regular expression searched anywhere in the name.
 */
export function compilePattern(p: string): RegExp {
  const re = /^\/(.*)\/([a-z]*)$/s.exec(p);
  if (re) {
    try {
      return new RegExp(re[1], re[2]);
    } catch (e) {
      throw new InputError(`pattern ${JSON.stringify(p)}: invalid regular expression (${(e as Error).message})`);
    }
  }
  if (p.length === 0) throw new InputError('pattern: empty pattern');
  let out = '';
  for (let i = 0; i < p.length; i++) {
    const ch = p[i];
    if (ch === '*' && p[i + 1] === '*') {
      out += '.*';
      i++;
    } else if (ch === '*') out += '[^.]*';
    else if (ch === '?') out += '[^.]';
    else out += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

/** A predicate that is true when any pattern matches the name. */
export function nameMatcher(patterns: readonly string[]): (name: string) => boolean {
  const res = patterns.map(compilePattern);
  return (name) => res.some((r) => r.test(name));
}

/**
 * The trainable names: those matching `train` (all when omitted) and not `freeze`.
 * Throws when a pattern matches nothing, which is almost always a typo.
 */
export function selectTrainable(
  names: Iterable<string>,
  train: readonly string[] | undefined,
  freeze: readonly string[] | undefined,
): Set<string> {
  const all = [...names];
  for (const [what, list] of [
    ['train', train],
    ['freeze', freeze],
  ] as const) {
    for (const p of list ?? []) {
      const r = compilePattern(p);
      if (!all.some((n) => r.test(n)))
        throw new InputError(`${what} pattern ${JSON.stringify(p)} matches no parameter`);
    }
  }
  const inc = train?.length ? nameMatcher(train) : () => true;
  const exc = freeze?.length ? nameMatcher(freeze) : () => false;
  return new Set(all.filter((n) => inc(n) && !exc(n)));
}
