#!/usr/bin/env python3
"""Makes test/fixtures/tokenizers/prompts.json: Wan's prompt pipeline run by the real libraries.

Run by hand after make-fixtures.py, with a Python that has ftfy, sentencepiece and tokenizers
(the committed file was made with ftfy 6.3.1, sentencepiece 0.2.2, tokenizers 0.23.2):

    python3 tools/tokenizer/make-prompt-fixtures.py

For every prompt it records Wan's cleaning (wan/modules/tokenizers.py, clean='whitespace':
ftfy.fix_text, html.unescape twice, strip, squeeze whitespace) and the ids of the cleaned text with
`</s>` appended, from the Hugging Face fast tokenizer built from our tokenizer.json with
padding='max_length', truncation=True, max_length=512 (what Wan runs). It checks that these equal
SentencePiece's ids unless the prompt holds a literal added token such as `</s>`, and it
records, for the raw test strings of expected.json, where the fast tokenizer differs from
SentencePiece (leading spaces, literal special tokens, ...).
"""

import html
import json
import os

import ftfy
import regex as re
import sentencepiece as spm
from tokenizers import Tokenizer

DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'test', 'fixtures', 'tokenizers')

# Wan's default negative prompt (wan/configs/shared_config.py).
NEG = ('色调艳丽，过曝，静态，细节模糊不清，字幕，风格，作品，画作，画面，静止，整体发灰，最差质量，低质量，JPEG压缩残留，丑陋的，'
       '残缺的，多余的手指，画得不好的手部，画得不好的脸部，畸形的，毁容的，形态畸形的肢体，手指融合，静止不动的画面，杂乱的背景，'
       '三条腿，背景人很多，倒着走')
LONG = ('A breathtaking cinematic journey through a vast and ancient forest at dawn, where golden light filters '
        'through towering redwoods &amp; mist drifts slowly over moss-covered stones.\n') * 12

PROMPTS = [
    '', '   ', '\t\n', 'A cat walks slowly through a snowy forest, cinematic lighting.', NEG,
    '  Two   children\tplay in the\n\nautumn park  ', 'Tom &amp; Jerry', 'Tom &amp;amp; Jerry',
    '&amp;amp;amp;lt;b&amp;gt;', '&lt;b&gt;bold&lt;/b&gt;', '<b>bold</b> &amp;amp; more', 'caf&eacute; &EACUTE; &Eacute',
    '&#39;quoted&#39; &#x2019;s &#8220;x&#8221;', 'a&nbsp;b&nbsp;&nbsp;c', '&#128; &#150; &#0; &#xD800; &#1114112;',
    '&ampfoo &notit; &copy2024 AT&T &unknownentity; &#12a;', 'line one &amp;\nline <two> &amp;\nline three &amp;',
    'line <one>\nline &amp; two', '“Curly” ‘quotes’ ‛x‟ ʼ', 'ﬁne ﬂour ﬀ ĳ Ǆ', 'ＦＵＬＬ　ｗｉｄｔｈ！ ｶﾀｶﾅ',
    'crlf\r\nline\rcr\u2028ls\u2029ps\x85nel', 'c1 \x80 \x91x\x92 \x9d', '\x1b[31mred\x1b[0m text', '\ufeffbom start',
    'ctrl\x00\x01\x08\x0b\x0c\x0e\x1c\x1f\x7f end', 'zero\u200bwidth \u200d join', 'e\u0301 vs é, A\u030a',
    'nbsp\xa0em\u2003ideo\u3000thin\u2009end', '\u2066isolate\u2069 \u206adeprecated\u206f', 'emoji 😀🎬 🦊 ❤️ 👩‍👩‍👧',
    '罕见汉字：𠀀𪚥龘靐齉', 'Mixed 中文 and English，标点！', '① ② ㍻ ℃ №', 'surrogate \ud800 alone', LONG,
    'Wan2.1 <sep> user symbols', '<pad></s><unk> literal', '$1,299.99 (about ¥9,400) in 2024',
]


def basic_clean(text):
    text = ftfy.fix_text(text)
    text = html.unescape(html.unescape(text))
    return text.strip()


def whitespace_clean(text):
    return re.sub(r'\s+', ' ', text).strip()


def main():
    expected = json.load(open(os.path.join(DIR, 'expected.json'), encoding='utf-8'))
    out = {'ftfy': ftfy.__version__, 'sentencepiece': spm.__version__, 'max_length': 512, 'models': {}}
    for name in ('umt5-bf', 'plain'):
        sp = spm.SentencePieceProcessor(model_file=os.path.join(DIR, name + '.model'))
        fast = Tokenizer.from_file(os.path.join(DIR, name + '.tokenizer.json'))
        fast.enable_truncation(512)
        fast.enable_padding(length=512, pad_id=0, pad_token='<pad>')
        cases = []
        for prompt in PROMPTS:
            clean = whitespace_clean(basic_clean(prompt))
            sp_ids = sp.encode(clean)[:511] + [sp.piece_to_id('</s>')]
            enc = fast.encode(clean)
            n = sum(enc.attention_mask)
            assert enc.attention_mask == [1] * n + [0] * (512 - n) and enc.ids[n:] == [0] * (512 - n), prompt
            case = {'prompt': prompt, 'clean': clean, 'ids': enc.ids[:n]}
            # The fast tokenizer splits literal added tokens ("</s>", "<sep>") out before normalising.
            if sp_ids != enc.ids[:n]:
                assert any(t.content in clean for t in fast.get_added_tokens_decoder().values()), prompt
                case['sentencepiece_ids'] = sp_ids
            cases.append(case)
        fast.no_truncation()
        fast.no_padding()
        differs = []
        for case in expected['models'][name]['cases']:
            if 'text' in case:
                hf = fast.encode(case['text'], add_special_tokens=False).ids
                if hf != case['ids']:
                    differs.append({'text': case['text'], 'fast': hf, 'sentencepiece': case['ids']})
        out['models'][name] = {'cases': cases, 'fast_tokenizer_differs_on_raw_text': differs}
    with open(os.path.join(DIR, 'prompts.json'), 'w', encoding='utf-8') as f:
        f.write(json.dumps(out, ensure_ascii=True, separators=(',', ':')).replace('},{', '},\n{') + '\n')


if __name__ == '__main__':
    main()
