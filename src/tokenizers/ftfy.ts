// The subset of ftfy.fix_text (ftfy 6.3, default TextFixerConfig) that matters for prompts.
//
// Implemented, in ftfy's order and repeated until nothing changes (fix_and_explain):
//   unescape_html ("auto": skipped from the first line containing '<' on), fix_c1_controls,
//   fix_latin_ligatures, fix_character_width, uncurl_quotes, fix_line_breaks, fix_surrogates,
//   remove_terminal_escapes, remove_control_chars, then NFC.
// Not implemented: fix_encoding, the mojibake detector (e.g. "cafÃ©" -> "café", with its helpers
// restore_byte_a0, replace_lossy_sequences, decode_inconsistent_utf8). Text that ftfy would judge
// to be mojibake is therefore left as it is. Named HTML references are limited to the subset in
// html-entities.ts; segments are not cut at ftfy's max_decode_length (10^6 characters).

import { ftfyUnescapeHtml, WINDOWS_1252_C1 } from './html-unescape.js';

const LIGATURES: Readonly<Record<string, string>> = {
  '\u0132': 'IJ',
  '\u0133': 'ij',
  '\u0149': '\u02bcn',
  '\u01f1': 'DZ',
  '\u01f2': 'Dz',
  '\u01f3': 'dz',
  '\u01c4': 'D\u017d',
  '\u01c5': 'D\u017e',
  '\u01c6': 'd\u017e',
  '\u01c7': 'LJ',
  '\u01c8': 'Lj',
  '\u01c9': 'lj',
  '\u01ca': 'NJ',
  '\u01cb': 'Nj',
  '\u01cc': 'nj',
  '\ufb00': 'ff',
  '\ufb01': 'fi',
  '\ufb02': 'fl',
  '\ufb03': 'ffi',
  '\ufb04': 'ffl',
  '\ufb05': '\u017ft',
  '\ufb06': 'st',
};
const LIGATURE_RE = /[\u0132\u0133\u0149\u01c4-\u01cc\u01f1-\u01f3\ufb00-\ufb06]/g;

/** Halfwidth/fullwidth forms (U+FF01..U+FFEF) to their NFKC form, and U+3000 to a space. */
const WIDTH_RE = /[\u3000\uff01-\uffef]/g;
const fixWidthChar = (c: string): string => (c === '\u3000' ? ' ' : c.normalize('NFKC'));

const C1_RE = /[\x80-\x9f]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: ESC starts the ANSI sequences ftfy strips.
const ANSI_RE = /\x1b\[(?:\p{Nd}|;)*[a-zA-Z]/gu;
const LONE_SURROGATE_RE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
// ftfy's CONTROL_CHARS: C0 controls except \t \n \f \r, DEL, deprecated format chars, BOM, U+FFF9..U+FFFC.
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters ftfy removes.
const CONTROL_RE = /[\x00-\x08\x0b\x0e-\x1f\x7f\u206a-\u206f\ufeff\ufff9-\ufffc]/g;

function fixSegment(text: string, unescapeHtml: boolean): string {
  for (;;) {
    const orig = text;
    if (unescapeHtml) text = ftfyUnescapeHtml(text);
    text = text.replace(C1_RE, (c) => WINDOWS_1252_C1[c.charCodeAt(0) - 0x80]);
    text = text.replace(LIGATURE_RE, (c) => LIGATURES[c] ?? c);
    text = text.replace(WIDTH_RE, fixWidthChar);
    text = text.replace(/[\u02bc\u2018-\u201b]/g, "'").replace(/[\u201c-\u201f]/g, '"');
    text = text.replace(/\r\n|[\r\u2028\u2029\x85]/g, '\n');
    text = text.replace(LONE_SURROGATE_RE, '\ufffd');
    text = text.replace(ANSI_RE, '');
    text = text.replace(CONTROL_RE, '');
    text = text.normalize('NFC');
    if (text === orig) return text;
  }
}

/** `ftfy.fix_text(text)` with default settings, less mojibake repair (see the file comment). */
export function fixText(text: string): string {
  let unescapeHtml = true;
  let out = '';
  for (let pos = 0; pos < text.length; ) {
    const nl = text.indexOf('\n', pos);
    const stop = nl < 0 ? text.length : nl + 1;
    const segment = text.slice(pos, stop);
    // ftfy turns HTML unescaping off for good at the first line that looks like HTML.
    if (unescapeHtml && segment.includes('<')) unescapeHtml = false;
    out += fixSegment(segment, unescapeHtml);
    pos = stop;
  }
  return out;
}
