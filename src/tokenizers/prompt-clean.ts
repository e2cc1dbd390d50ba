// Wan's prompt cleaning, clean='whitespace' in wan/modules/tokenizers.py:
//   whitespace_clean(basic_clean(text)) =
//   re.sub(r'\s+', ' ', html.unescape(html.unescape(ftfy.fix_text(text))).strip()).strip()
// `\s` is the `regex` module's (Unicode White_Space); str.strip() uses str.isspace(), which also
// counts U+001C..U+001F.

import { fixText } from './ftfy.js';
import { htmlUnescape } from './html-unescape.js';

const WHITE_SPACE = '\t\n\x0b\f\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000';
const WHITE_SPACE_RUN = new RegExp(`[${WHITE_SPACE}]+`, 'g');
const PY_STRIP = new RegExp(`^[${WHITE_SPACE}\x1c-\x1f]+|[${WHITE_SPACE}\x1c-\x1f]+$`, 'g');

/** Python's str.strip() with no argument. */
export function pyStrip(text: string): string {
  return text.replace(PY_STRIP, '');
}

/** Wan's prompt cleaning (ftfy subset, HTML unescaping twice, whitespace squeezed). */
export function cleanPrompt(text: string): string {
  const basic = pyStrip(htmlUnescape(htmlUnescape(fixText(text))));
  return pyStrip(basic.replace(WHITE_SPACE_RUN, ' '));
}
