#!/usr/bin/env python3
"""Makes the tokenizer fixtures in test/fixtures/tokenizers/ with SentencePiece itself.

Run by hand (never in CI) with a Python that has the `sentencepiece` module, e.g. Debian's
`python3-sentencepiece` (0.1.97 made the committed files):

    python3 tools/tokenizer/make-fixtures.py

It trains three small unigram models on a generated English + Chinese corpus:

* umt5-bf.model   T5/UMT5 layout (pad 0, </s> 1, <unk> 2, no <s>), byte_fallback, nmt_nfkc.
* plain.model     same layout without byte_fallback, nmt_nfkc_cf, two user-defined symbols.
* raw.model       identity normalisation, no dummy prefix, extra whitespace kept.

For the first two it also writes the tokenizer.json that Hugging Face's T5 converter
produces for the model (see to_tokenizer_json), with `byte_fallback` taken from the model.
expected.json holds SentencePiece's ids, pieces and decoded text for every test string.
"""

import base64
import json
import os
import random
import sys
import tempfile

import sentencepiece as spm

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'test', 'fixtures', 'tokenizers')

SUBJECTS = [
    'a cat', 'the old man', 'a young woman', 'two children', 'a red fox', 'the astronaut', 'a golden retriever',
    'a street musician', 'the chef', 'a small robot', 'a flock of birds', 'the dancer', 'a knight in armor',
    'an elderly couple', 'a surfer', 'the train', 'a hot air balloon', 'a panda', 'the little girl', 'a sailboat',
    'a motorcycle rider', 'a painter', 'the waves', 'a black horse', 'an owl', 'the crowd', 'a white rabbit',
]
VERBS = [
    'walks slowly through', 'runs across', 'dances in', 'flies over', 'sits quietly beside', 'jumps into',
    'drifts above', 'looks out over', 'rides along', 'plays in', 'wanders through', 'rests under', 'sings in',
    'explores', 'crosses', 'circles around', 'climbs up', 'swims through', 'glides across', 'waits near',
]
PLACES = [
    'a snowy forest', 'the crowded market', 'a quiet beach at sunset', 'the neon-lit city street', 'a wheat field',
    'an ancient temple', 'the rainy harbor', 'a mountain lake', 'the desert dunes', 'a cozy kitchen',
    'the coral reef', 'a misty bamboo grove', 'the old library', 'a futuristic megacity', 'the autumn park',
    'a frozen river', 'the lavender fields of Provence', 'a busy train station', 'the cherry blossom garden',
]
STYLES = [
    'cinematic lighting', 'shot on 35mm film', 'slow motion', 'aerial view', 'close-up shot', 'wide angle',
    'golden hour', 'soft focus', 'high contrast', 'watercolor style', 'anime style', 'documentary footage',
    '4K, ultra detailed', 'handheld camera', 'time-lapse', 'dramatic clouds', 'pastel colors', 'film grain',
]
EXTRA_EN = [
    'The weather is calm and the light is warm.', 'Nobody knows what happens next.',
    'It is raining, and the streets shine like mirrors.', 'Music plays softly in the background.',
    'A café in São Paulo serves crème brûlée to a naïve tourist from Zürich.',
    'Pokémon fans gather at the façade of the old théâtre.', 'Москва и Санкт-Петербург зимой.',
    'The price is $1,299.99 (about 9,400 yuan) in 2024.', 'Call me at 10:30 a.m. on 12/05.',
    "Don't stop; it's 100% worth it!", 'Email: test@example.com, web: https://example.com/page?id=42.',
    'The quick brown fox jumps over the lazy dog.', 'Version 2.1 and version 2.2 differ in the VAE.',
]
ZH_SUBJECTS = ['一只小猫', '一位老人', '一个女孩', '两个孩子', '一只狐狸', '宇航员', '一只金毛犬', '厨师', '一个机器人',
               '一群鸟', '舞者', '骑士', '一对老夫妇', '冲浪者', '火车', '热气球', '大熊猫', '帆船', '画家', '白兔']
ZH_VERBS = ['慢慢地走过', '飞快地跑过', '在', '飞过', '安静地坐在', '跳进', '漂浮在', '眺望', '骑行在', '穿过', '游过']
ZH_PLACES = ['雪林', '热闹的市场', '日落时的海滩', '霓虹灯下的城市街道', '麦田', '古老的寺庙', '雨中的港口',
             '山中的湖泊', '沙漠', '温暖的厨房', '珊瑚礁', '雾气弥漫的竹林', '旧图书馆', '未来城市', '秋天的公园']
ZH_STYLES = ['电影感光线', '慢动作', '航拍镜头', '特写镜头', '广角', '黄金时刻', '水彩风格', '动漫风格', '纪录片风格',
             '超高清，细节丰富', '手持摄影', '延时摄影', '柔和的色彩', '胶片颗粒']
ZH_EXTRA = ['今天天气很好，阳光明媚。', '他说：“我们明天再见！”', '这部电影讲述了一个关于友谊和勇气的故事。',
            '城市的夜晚灯火通明，车水马龙。', '中国的长城是世界上最伟大的建筑之一。', '春天来了，花儿都开了。',
            '请注意安全，不要在雨天开快车。', '这是第3版，价格为99元。', '小明和小红一起去学校上课。']


WORDS = '''time person year way day thing man world life hand part child eye woman place work week case point
government company number group problem fact river mountain ocean valley island village castle bridge tower garden
window door table chair lamp candle mirror clock book paper letter camera light shadow color sound voice song music
dream memory story journey road path street corner square station airport harbor market kitchen bedroom library
museum theater stadium hospital school university office factory farm forest desert jungle meadow canyon glacier
volcano waterfall lake pond stream beach cliff cave sky cloud rain snow storm wind thunder lightning fog mist dawn
dusk sunrise sunset night morning evening afternoon summer winter spring autumn moon star planet galaxy universe
dragon tiger lion elephant giraffe zebra monkey dolphin whale shark turtle eagle sparrow butterfly bee spider snake
frog deer wolf bear horse cow sheep goat chicken duck swan peacock parrot penguin koala kangaroo camel octopus
apple banana orange grape lemon cherry strawberry peach mango watermelon bread cheese butter coffee tea wine soup
rice noodle dumpling cake cookie chocolate candy honey salt pepper sugar red orange yellow green blue purple pink
brown black white gray silver golden bright dark soft hard warm cold hot cool wet dry loud quiet fast slow happy sad
angry calm brave gentle wild strange beautiful ugly ancient modern tiny huge giant narrow wide deep shallow smooth
rough sharp heavy empty full fresh rotten sweet bitter sour spicy clean dirty broken shiny glowing floating falling
running jumping flying swimming dancing singing laughing crying sleeping reading writing painting cooking driving
walking climbing fishing hunting building breaking opening closing watching listening thinking remembering forgetting
whisper shout smile frown blink breathe tremble shiver sparkle glisten shimmer flicker ripple swirl spiral twist
carefully suddenly gently quickly slowly silently brightly softly loudly happily sadly eventually finally nearly
architecture photography cinematography choreography atmosphere perspective composition silhouette reflection
refraction translucent iridescent luminous ethereal surreal nostalgic melancholic whimsical majestic mysterious
'''.split()
CHARS = ('的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可里后小么心多天而能好'
         '都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此'
         '实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真'
         '听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路'
         '期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统'
         '色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半'
         '候七必城父强步完革深区即求品士转量空甚众技轻程告江语英基派满式李息写呢识极令黄德收脸钱党倒未持取设始版双历越史商千片容'
         '研像找友孩站广改议形委早房音火际则首单据导影失拿网香似斯专石若兵弟谁校读志飞观争究包组造落视济喜离虽坐集编宝谈府拉黑且'
         '随格尽剑讲布杀微怕母调局根曾准团段终乐切级克精哪官示冷域')


def make_corpus(rng):
    lines = []
    for _ in range(3000):
        lines.append(' '.join(rng.choice(WORDS) for _ in range(rng.randint(5, 14))).capitalize() + '.')
    for _ in range(3000):
        words = [''.join(rng.choice(CHARS) for _ in range(rng.choice((1, 2, 2, 3)))) for _ in range(rng.randint(4, 10))]
        lines.append(''.join(words) + rng.choice('。，！？'))
    for _ in range(1500):
        s = f'{rng.choice(SUBJECTS).capitalize()} {rng.choice(VERBS)} {rng.choice(PLACES)}'
        s += ', ' + ', '.join(rng.sample(STYLES, rng.randint(1, 3))) + '.'
        lines.append(s)
    for _ in range(1200):
        s = rng.choice(ZH_SUBJECTS) + rng.choice(ZH_VERBS) + rng.choice(ZH_PLACES) + '，'
        s += '，'.join(rng.sample(ZH_STYLES, rng.randint(1, 3))) + '。'
        lines.append(s)
    for _ in range(300):
        lines.append(rng.choice(EXTRA_EN) + ' ' + rng.choice(ZH_EXTRA))
        lines.append(f'{rng.choice(SUBJECTS)}（{rng.choice(ZH_SUBJECTS)}）{rng.choice(VERBS)} {rng.choice(PLACES)}。')
    lines.extend(EXTRA_EN * 20)
    lines.extend(ZH_EXTRA * 20)
    rng.shuffle(lines)
    return lines


MODELS = {
    'umt5-bf': dict(vocab_size=4000, byte_fallback=True, normalization_rule_name='nmt_nfkc'),
    'plain': dict(vocab_size=3000, byte_fallback=False, normalization_rule_name='nmt_nfkc_cf',
                  user_defined_symbols=['<sep>', 'Wan2.1']),
    'raw': dict(vocab_size=1500, byte_fallback=False, normalization_rule_name='identity', add_dummy_prefix=False,
                remove_extra_whitespaces=False),
}

LONG_EN = ('A breathtaking cinematic journey through a vast and ancient forest at dawn, where golden light filters '
           'through towering redwoods and mist drifts slowly over moss-covered stones, while a red fox pauses beside '
           'a crystal-clear stream, its reflection shimmering as tiny insects dance in the sunbeams. ')
LONG_ZH = '清晨的森林里，金色的阳光穿过高大的红杉，薄雾在长满青苔的石头上缓缓飘动，一只红狐狸在清澈的小溪边停下脚步。'

TEXTS = [
    '', ' ', '   ', '\t', '\n', 'a', 'Hello world', 'Hello world!', '  Hello   world  ', 'Hello\tworld\nagain',
    ' leading space', 'trailing space ', '\u3000ideographic\u3000space\u3000', 'a\u00a0b\u2003c',
    'A cat walks slowly through a snowy forest, cinematic lighting.',
    'Two children play in the autumn park, slow motion, 4K, ultra detailed.',
    'The price is $1,299.99 (about 9,400 yuan) in 2024.',
    "Don't stop; it's 100% worth it!",
    '一只小猫慢慢地走过雪林，电影感光线。', '他说：“我们明天再见！”', '城市的夜晚灯火通明，车水马龙。',
    'A panda（大熊猫）plays in the bamboo grove 竹林里。', 'Wan2.1 和 Wan2.2 的区别',
    'emoji 😀🎬 and 🦊 fox', '😀', '👩‍👩‍👧‍👦 family', '🇨🇳🇺🇸 flags', '❤️ heart',
    '罕见汉字：𠀀𪚥龘靐齉', '𠮷野家', '\U0002a6a5', 'unknown ☃ ⚛ ✈ chars', 'Ωmega and ∑ sum ∞',
    'ＦＵＬＬＷＩＤＴＨ　ｌｅｔｔｅｒｓ　１２３', 'ﬁne ﬂour ﬃ', '① ② ③ ⑩ ⑳', '㍻ ㌔ ㎏ ℃ №',
    'café naïve Zürich São Paulo crème brûlée', 'Pokémon', 'e\u0301 (combining acute)', 'Å Å Å',
    'Москва зимой', 'Ελληνικά κείμενο', 'עברית', 'العربية', 'हिन्दी', '한국어 텍스트', 'カタカナ ｶﾀｶﾅ',
    'x\u200by zero width', 'soft\u00adhyphen', 'bom\ufeffinside', 'ctrl\x01\x02\x7fchars', 'tab\t\ttabs',
    'line1\r\nline2\rline3', 'multiple\n\n\nnewlines', '<sep> user <sep>defined', 'Wan2.1Wan2.1',
    '<pad></s><unk> literal specials', '<0x41> not a byte', '▁ already escaped ▁▁', '____ underscores',
    '"quotes" ‘curly’ “double”', '… — – ‐ hyphens', '1234567890', '3.14159 2,718', 'HTTP://EXAMPLE.COM',
    LONG_EN * 3, LONG_ZH * 8, (LONG_EN + LONG_ZH) * 4,
]

# Random mixtures of the awkward cases above, to catch what the hand-written strings miss.
POOL = (list('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:!?\'"()-_') + [' '] * 10
        + list('\t\n\r\u3000\u00a0\u2003\u200b\u00ad\ufeff\x01\x7f的一是不了人我在有他这中大来上国个到说们为子和你地出道')
        + list('罕龘靐齉𠀀𪚥😀🎬🦊❤️👩‍ＡＢＣａｂｃ１２３！？ﬁﬂ①②㍻㌔ℌℍ™éèêëçñüöäǺ̃')
        + ['<sep>', 'Wan2.1', '\u2581', '<unk>', '</s>', '<0x41>', 'ing', 'the ', ' of '])


def random_texts(rng, n):
    return [''.join(rng.choice(POOL) for _ in range(rng.randint(1, 30))) for _ in range(n)]


# Raw bytes, not valid UTF-8, for SentencePiece's malformed-input path (each replaced by U+FFFD).
BYTES = [b'abc\xffdef', b'\xc3\x28 bad', b'\xe2\x82 cut', b'ok \xed\xa0\x80 surrogate', b'\xf0\x9f\x98', b'\x80\x80x']


def case_for(sp, text):
    ids = sp.encode(text)
    return {'ids': ids, 'pieces': [sp.id_to_piece(i) for i in ids], 'decoded': sp.decode(ids)}


def read_varint(buf, pos):
    result = shift = 0
    while True:
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        shift += 7
        if b < 0x80:
            return result, pos


def read_fields(buf):
    """Yields (field number, wire type, value) of one protobuf message (a small reader, no dependency)."""
    pos = 0
    while pos < len(buf):
        key, pos = read_varint(buf, pos)
        field, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = read_varint(buf, pos)
        elif wire == 1:
            value, pos = buf[pos:pos + 8], pos + 8
        elif wire == 2:
            n, pos = read_varint(buf, pos)
            value, pos = buf[pos:pos + n], pos + n
        elif wire == 5:
            value, pos = buf[pos:pos + 4], pos + 4
        else:
            raise ValueError(f'unsupported wire type {wire}')
        yield field, wire, value


def parse_model(data):
    import struct
    pieces, trainer, normalizer = [], {}, {}
    for field, _, value in read_fields(data):
        if field == 1:
            p = {'piece': '', 'score': 0.0, 'type': 1}
            for f, _, v in read_fields(value):
                if f == 1:
                    p['piece'] = bytes(v).decode('utf-8')
                elif f == 2:
                    p['score'] = struct.unpack('<f', v)[0]
                elif f == 3:
                    p['type'] = v
            pieces.append(p)
        elif field == 2:
            for f, _, v in read_fields(value):
                trainer[f] = v
        elif field == 3:
            for f, _, v in read_fields(value):
                normalizer[f] = v
    return pieces, trainer, normalizer


def added_token(i, content):
    return {'id': i, 'content': content, 'single_word': False, 'lstrip': False, 'rstrip': False,
            'normalized': False, 'special': True}


def to_tokenizer_json(data, extra_ids=0):
    """What transformers' T5Converter writes for a T5/UMT5 spiece.model, except that `byte_fallback`
    follows the model (the converter hard-codes False; the Unigram model supports it)."""
    pieces, trainer, normalizer = parse_model(data)
    unk_id = trainer.get(40, 0)
    byte_fallback = bool(trainer.get(35, 0))
    charsmap = normalizer.get(2, b'')
    vocab = [[p['piece'], p['score']] for p in pieces]
    vocab += [[f'<extra_id_{i}>', 0.0] for i in range(extra_ids - 1, -1, -1)]
    # Control (3) and user-defined (4) pieces become added tokens, then the T5 specials.
    added = [added_token(i, p['piece']) | {'special': p['type'] == 3} for i, p in enumerate(pieces)
             if p['type'] in (3, 4)]
    if not any(t['content'] == pieces[unk_id]['piece'] for t in added):
        added.append(added_token(unk_id, pieces[unk_id]['piece']))
    added.sort(key=lambda t: t['id'])
    added += [added_token(len(pieces) + k, t[0]) for k, t in enumerate(vocab[len(pieces):])]
    norms = [{'type': 'Strip', 'strip_left': False, 'strip_right': True},
             {'type': 'Replace', 'pattern': {'Regex': ' {2,}'}, 'content': '\u2581'}]
    if charsmap:
        norms.insert(0, {'type': 'Precompiled', 'precompiled_charsmap': base64.b64encode(charsmap).decode('ascii')})
    eos = next(i for i, p in enumerate(pieces) if p['piece'] == '</s>')
    metaspace = {'type': 'Metaspace', 'replacement': '\u2581', 'prepend_scheme': 'always', 'split': True}
    return {
        'version': '1.0',
        'truncation': None,
        'padding': None,
        'added_tokens': added,
        'normalizer': {'type': 'Sequence', 'normalizers': norms},
        'pre_tokenizer': metaspace,
        'post_processor': {
            'type': 'TemplateProcessing',
            'single': [{'Sequence': {'id': 'A', 'type_id': 0}}, {'SpecialToken': {'id': '</s>', 'type_id': 0}}],
            'pair': [{'Sequence': {'id': 'A', 'type_id': 0}}, {'SpecialToken': {'id': '</s>', 'type_id': 0}},
                     {'Sequence': {'id': 'B', 'type_id': 0}}, {'SpecialToken': {'id': '</s>', 'type_id': 0}}],
            'special_tokens': {'</s>': {'id': '</s>', 'ids': [eos], 'tokens': ['</s>']}},
        },
        'decoder': metaspace,
        'model': {'type': 'Unigram', 'unk_id': unk_id, 'vocab': vocab, 'byte_fallback': byte_fallback},
    }


def train(name, corpus_path, tmp):
    opts = dict(MODELS[name])
    uds = opts.pop('user_defined_symbols', None)
    spm.SentencePieceTrainer.train(
        input=corpus_path, model_prefix=os.path.join(tmp, name), model_type='unigram', pad_id=0, eos_id=1,
        unk_id=2, bos_id=-1, num_threads=1, hard_vocab_limit=False, minloglevel=2,
        **({'user_defined_symbols': uds} if uds else {}), **opts)
    with open(os.path.join(tmp, name + '.model'), 'rb') as f:
        return f.read()


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = random.Random(20250101)
    expected = {'sentencepiece': spm.__version__, 'models': {}}
    texts = TEXTS + random_texts(random.Random(7), 150)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = os.path.join(tmp, 'corpus.txt')
        with open(corpus, 'w', encoding='utf-8') as f:
            f.write('\n'.join(make_corpus(rng)) + '\n')
        for name in MODELS:
            data = train(name, corpus, tmp)
            with open(os.path.join(OUT, name + '.model'), 'wb') as f:
                f.write(data)
            sp = spm.SentencePieceProcessor(model_proto=data)
            entry = {'model': name + '.model', 'vocab_size': sp.get_piece_size(), 'cases': []}
            if name != 'raw':
                entry['tokenizer_json'] = name + '.tokenizer.json'
                with open(os.path.join(OUT, entry['tokenizer_json']), 'w', encoding='utf-8') as f:
                    json.dump(to_tokenizer_json(data), f, ensure_ascii=False, separators=(',', ':'))
                    f.write('\n')
            for text in texts:
                entry['cases'].append({'text': text} | case_for(sp, text))
            for raw in BYTES:
                entry['cases'].append({'bytes': raw.hex()} | {'ids': sp.encode(raw)})
            expected['models'][name] = entry
            print(name, len(data), 'bytes,', sp.get_piece_size(), 'pieces', file=sys.stderr)
    write_json_lines(os.path.join(OUT, 'expected.json'), expected)


def write_json_lines(path, data):
    """JSON with one test case per line: small, and diffs stay readable."""
    def dump(v):
        return json.dumps(v, ensure_ascii=True, separators=(',', ':'))
    models = []
    for name, m in data['models'].items():
        head = dump({k: v for k, v in m.items() if k != 'cases'})[:-1]
        cases = ',\n'.join('   ' + dump(c) for c in m['cases'])
        models.append(f'  {dump(name)}:{head},"cases":[\n{cases}\n  ]}}')
    top = dump({k: v for k, v in data.items() if k != 'models'})[:-1]
    with open(path, 'w', encoding='utf-8') as f:
        f.write(top + ',"models":{\n' + ',\n'.join(models) + '\n}}\n')


if __name__ == '__main__':
    main()
