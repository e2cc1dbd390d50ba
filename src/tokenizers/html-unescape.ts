// Python's html.unescape (Lib/html/__init__.py) and ftfy's stricter unescape_html
// (ftfy/fixes.py), over the named-reference subset in html-entities.ts: numeric references are
// complete; named ones outside the subset (e.g. `&CounterClockwiseContourIntegral;`) stay as text.

import { FTFY_UPPERCASE_TABLE, HTML_ENTITY_TABLE } from './html-entities.js';

function parseTable(table: string): { values: ReadonlyMap<string, string>; legacy: ReadonlySet<string> } {
  const values = new Map<string, string>();
  const legacy = new Set<string>();
  for (const entry of table.split(' ')) {
    if (entry.length === 0) continue;
    const [rawName, hex] = entry.split('=');
    const name = rawName.replace('*', '');
    values.set(name, String.fromCodePoint(...hex.split('.').map((h) => Number.parseInt(h, 16))));
    if (rawName.endsWith('*')) legacy.add(name);
  }
  return { values, legacy };
}

const NAMED = parseTable(HTML_ENTITY_TABLE);
const FTFY_UPPERCASE = parseTable(FTFY_UPPERCASE_TABLE).values;

/** Windows-1252 for 0x80..0x9F, undefined bytes kept (html._invalid_charrefs, ftfy's sloppy-windows-1252). */
export const WINDOWS_1252_C1 =
  '\u20ac\x81\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\x8d\u017d\x8f' +
  '\x90\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\x9d\u017e\u0178';

/** html._invalid_codepoints: references to these decode to nothing. */
function isInvalidCodePoint(cp: number): boolean {
  return (
    (cp >= 0x1 && cp <= 0x8) ||
    cp === 0xb ||
    (cp >= 0xe && cp <= 0x1f) ||
    (cp >= 0x7f && cp <= 0x9f) ||
    (cp >= 0xfdd0 && cp <= 0xfdef) ||
    (cp & 0xfffe) === 0xfffe
  );
}

function numericReference(digits: string, radix: number): string {
  const cp = Number.parseInt(digits, radix);
  if (cp === 0) return '\ufffd';
  if (cp === 0x0d) return '\r';
  if (cp >= 0x80 && cp <= 0x9f) return WINDOWS_1252_C1[cp - 0x80];
  if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return '\ufffd';
  if (isInvalidCodePoint(cp)) return '';
  return String.fromCodePoint(cp);
}

const CHARREF = /&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)/gu;

function replaceCharref(s: string): string {
  if (s[0] === '#') {
    const hex = s[1] === 'x' || s[1] === 'X';
    return numericReference(s.slice(hex ? 2 : 1).replace(/;$/, ''), hex ? 16 : 10);
  }
  if (s.endsWith(';')) {
    const v = NAMED.values.get(s.slice(0, -1));
    if (v !== undefined) return v;
  } else if (NAMED.legacy.has(s)) return NAMED.values.get(s) ?? s;
  // The longest legacy (semicolon-free) name that is a prefix, as the HTML5 standard says.
  const chars = Array.from(s);
  for (let x = chars.length - 1; x > 1; x--) {
    const head = chars.slice(0, x).join('');
    if (NAMED.legacy.has(head)) return (NAMED.values.get(head) ?? '') + chars.slice(x).join('');
  }
  return `&${s}`;
}

/** Python's `html.unescape`. */
export function htmlUnescape(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(CHARREF, (_m, s: string) => replaceCharref(s));
}

const FTFY_ENTITY = /&#?[0-9A-Za-z]{1,24};/g;

/** ftfy's `unescape_html`: only complete `&...;` references, plus all-caps names such as `&EACUTE;`. */
export function ftfyUnescapeHtml(text: string): string {
  return text.replace(FTFY_ENTITY, (m) => {
    const name = m.slice(1, -1);
    const named = NAMED.values.get(name) ?? FTFY_UPPERCASE.get(name);
    if (named !== undefined) return named;
    if (m.startsWith('&#')) {
      const unescaped = htmlUnescape(m);
      return unescaped.includes(';') ? m : unescaped;
    }
    return m;
  });
}
