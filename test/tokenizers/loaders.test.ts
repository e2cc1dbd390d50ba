// Model readers, the folder loader and their errors.

import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CheckpointError, InputError } from '../../src/engine/errors.js';
import {
  loadTokenizer,
  modelFromTokenizerJson,
  PieceType,
  parseSentencePieceModel,
  UnigramTokenizer,
} from '../../src/tokenizers/index.js';
import { WireReader } from '../../src/tokenizers/protobuf-wire.js';
import { FIXTURES, readFixture, readJsonFixture } from './fixtures.js';

const fixturePath = (name: string): string => fileURLToPath(new URL(name, FIXTURES));

describe('protobuf wire reader', () => {
  it('reads a negative int32 sent as a 10-byte varint, floats and nested bytes', () => {
    const bytes = Uint8Array.of(
      0x08,
      ...[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01],
      0x15,
      ...new Uint8Array(Float32Array.of(-1.5).buffer),
      0x1a,
      0x02,
      0x61,
      0x62,
    );
    const r = new WireReader(bytes);
    assert.deepEqual(r.key(), { field: 1, wire: 0 });
    assert.equal(r.int32(), -1);
    assert.deepEqual(r.key(), { field: 2, wire: 5 });
    assert.equal(r.float32(), -1.5);
    assert.deepEqual(r.key(), { field: 3, wire: 2 });
    assert.deepEqual(Array.from(r.bytes()), [0x61, 0x62]);
    assert.equal(r.done, true);
  });

  it('rejects truncated input', () => {
    assert.throws(() => new WireReader(Uint8Array.of(0x0a, 0x05, 0x61)).bytes(), RangeError);
  });
});

describe('spiece.model reader', () => {
  const model = parseSentencePieceModel(readFixture('umt5-bf.model'));

  it('reads the T5/UMT5 layout: pad 0, </s> 1, <unk> 2, no <s>, byte fallback, nmt_nfkc', () => {
    assert.deepEqual(
      model.pieces.slice(0, 3).map((p) => [p.piece, p.type]),
      [
        ['<pad>', PieceType.CONTROL],
        ['</s>', PieceType.CONTROL],
        ['<unk>', PieceType.UNKNOWN],
      ],
    );
    assert.equal(model.pieces.filter((p) => p.type === PieceType.BYTE).length, 256);
    assert.equal(model.trainerSpec.byteFallback, true);
    assert.equal(model.trainerSpec.bosId, -1);
    assert.equal(model.normalizerSpec.name, 'nmt_nfkc');
    assert.ok(model.normalizerSpec.precompiledCharsmap.length > 1000);
    const tok = new UnigramTokenizer(model);
    assert.deepEqual([tok.padId, tok.eosId, tok.unkId], [0, 1, 2]);
    assert.equal(tok.pieceToId('</s>'), 1);
    assert.equal(tok.pieceToId('no such piece'), 2);
  });

  it('gives CheckpointError naming the file for truncated or foreign bytes', () => {
    const bytes = readFixture('raw.model');
    assert.throws(
      () => UnigramTokenizer.fromSentencePiece(bytes.subarray(0, 1001), 'cut/spiece.model'),
      (e: unknown) => e instanceof CheckpointError && e.message.includes('cut/spiece.model'),
    );
    assert.throws(() => UnigramTokenizer.fromSentencePiece(new TextEncoder().encode('{"model": 1}')), CheckpointError);
  });

  it('rejects a byte-fallback model that lacks byte pieces, as SentencePiece does', () => {
    const m = parseSentencePieceModel(readFixture('umt5-bf.model'));
    const pieces = m.pieces.filter((p) => p.piece !== '<0x41>');
    assert.throws(() => new UnigramTokenizer({ ...m, pieces }), /<0x41> is missing/);
  });
});

describe('tokenizer.json reader', () => {
  const json = readJsonFixture<Record<string, unknown>>('plain.tokenizer.json');

  it('recovers piece types from added_tokens and the unk id', () => {
    const m = modelFromTokenizerJson(json);
    assert.equal(m.pieces[1].type, PieceType.CONTROL);
    assert.equal(m.pieces[2].type, PieceType.UNKNOWN);
    assert.equal(m.pieces[3].piece, '<sep>');
    assert.equal(m.pieces[3].type, PieceType.USER_DEFINED);
    assert.equal(m.normalizerSpec.addDummyPrefix, true);
    assert.equal(m.normalizerSpec.removeExtraWhitespaces, true);
  });

  it('equals the spiece.model it was converted from, piece by piece', () => {
    const fromJson = modelFromTokenizerJson(json);
    const fromSp = parseSentencePieceModel(readFixture('plain.model'));
    assert.deepEqual(fromJson.pieces, fromSp.pieces);
    assert.deepEqual(fromJson.normalizerSpec.precompiledCharsmap, fromSp.normalizerSpec.precompiledCharsmap);
  });

  it('appends added tokens that come after the vocabulary', () => {
    const m = modelFromTokenizerJson({
      model: {
        type: 'Unigram',
        unk_id: 0,
        vocab: [
          ['<unk>', 0],
          ['a', -1],
        ],
      },
      added_tokens: [{ id: 2, content: '<extra_id_0>', special: true }],
    });
    assert.deepEqual(
      m.pieces.map((p) => p.type),
      [PieceType.UNKNOWN, PieceType.NORMAL, PieceType.CONTROL],
    );
    const tok = new UnigramTokenizer(m);
    assert.deepEqual(tok.encode('a<extra_id_0>a', { matchAddedTokens: true }), [1, 2, 1]);
  });

  it('gives CheckpointError for a BPE model or a broken vocab', () => {
    assert.throws(() => modelFromTokenizerJson({ model: { type: 'BPE' } }, 'x.json'), /model.type is "BPE"/);
    assert.throws(
      () => modelFromTokenizerJson({ model: { type: 'Unigram', unk_id: 0, vocab: [['a']] } }),
      (e: unknown) => e instanceof CheckpointError && /vocab\[0\]/.test(e.message),
    );
  });
});

describe('loadTokenizer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wanjs-tok-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('loads spiece.model or tokenizer.json from a folder, preferring tokenizer.json', async () => {
    const folder = join(dir, 'google', 'umt5-xxl');
    mkdirSync(folder, { recursive: true });
    copyFileSync(fixturePath('umt5-bf.model'), join(folder, 'spiece.model'));
    const fromSp = await loadTokenizer(folder);
    assert.equal(fromSp.vocabSize, 4000);
    // A tokenizer.json with byte_fallback off shows which file was read.
    const json = readJsonFixture<{ model: Record<string, unknown> }>('umt5-bf.tokenizer.json');
    json.model.byte_fallback = false;
    writeFileSync(join(folder, 'tokenizer.json'), JSON.stringify(json));
    assert.equal((await loadTokenizer(folder)).byteFallback, false);
    assert.equal((await loadTokenizer(folder, { prefer: 'spiece.model' })).byteFallback, true);
    assert.equal((await loadTokenizer(join(folder, 'spiece.model'))).byteFallback, true);
  });

  it('names the folder and the files it looked for when there is none', async () => {
    await assert.rejects(
      loadTokenizer(dir),
      (e: unknown) =>
        e instanceof InputError &&
        e.message.includes(dir) &&
        e.message.includes('tokenizer.json') &&
        e.message.includes('spiece.model'),
    );
    await assert.rejects(loadTokenizer(join(dir, 'missing')), InputError);
  });

  it('reports invalid JSON as a CheckpointError naming the file', async () => {
    const bad = join(dir, 'tokenizer.json');
    writeFileSync(bad, '{not json');
    await assert.rejects(loadTokenizer(bad), (e: unknown) => e instanceof CheckpointError && e.message.includes(bad));
  });
});
