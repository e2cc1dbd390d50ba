// Python's html.unescape and ftfy's unescape_html, case by case (expected values from CPython 3.11
// and ftfy 6.3.1).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixText, ftfyUnescapeHtml, htmlUnescape } from '../../src/tokenizers/index.js';

describe('htmlUnescape (html.unescape)', () => {
  it('decodes named, legacy and numeric references like CPython', () => {
    const cases: [string, string][] = [
      ['&amp; &lt; &gt; &quot; &apos; &#39;', "& < > \" ' '"],
      ['&amp &lt &AMP &copy2024 &ampfoo', '& < & ©2024 &foo'],
      ['&notit; &notin; &nbsp;', '¬it; ∉ \u00a0'],
      ['&#128; &#x80; &#150; &#0; &#13;', '€ € – \ufffd \r'],
      ['&#xD800; &#1114112; &#99999999999999999999; &#1; &#xFFFE;', '\ufffd \ufffd \ufffd  '],
      ['&#65 &#x41 &#X41; &#12a;', 'A A A \x0ca;'],
      ['&unknown; & &; &#; AT&T', '&unknown; & &; &#; AT&T'],
    ];
    for (const [input, want] of cases) assert.equal(htmlUnescape(input), want, input);
  });
});

describe('ftfyUnescapeHtml (ftfy unescape_html)', () => {
  it('needs the semicolon and knows all-caps names', () => {
    assert.equal(ftfyUnescapeHtml('&amp &amp; &EACUTE; &NTILDE; &AMP; &#x2019; &#12a;'), '&amp & É Ñ & \u2019 &#12a;');
  });
});

describe('fixText (ftfy.fix_text subset)', () => {
  it('keeps HTML escapes from the first line containing "<" on', () => {
    assert.equal(fixText('a &amp; b\n<p> &amp;\nc &amp;'), 'a & b\n<p> &amp;\nc &amp;');
  });

  it('maps C1 controls as Windows-1252 and removes terminal escapes and control characters', () => {
    assert.equal(fixText('\x93hi\x94 \x1b[1;31mred\x1b[0m \x00\x7f\u206a\ufeff\ufffc'), '"hi" red ');
  });

  it('replaces lone surrogates with U+FFFD', () => {
    assert.equal(fixText('a\ud800b\udc00c😀'), 'a\ufffdb\ufffdc😀');
  });
});
