import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { encodePromptCommand } from '../../src/cli/commands/encode-prompt.js';
import type { CliIo } from '../../src/cli/io.js';
import { InputError } from '../../src/engine/errors.js';
import { HostTensor } from '../../src/engine/host-tensor.js';
import { Program } from '../../src/engine/program.js';
import { openCheckpoint } from '../../src/engine/weights/open-checkpoint.js';
import { readSafetensors, writeSafetensors } from '../../src/engine/weights/safetensors.js';
import { umt5OfficialToHf } from '../../src/models/wan/keymaps/umt5.js';
import { loadUmt5Weights } from '../../src/models/wan/umt5/load.js';
import { Umt5Encoder } from '../../src/models/wan/umt5/model.js';
import { loadTokenizer } from '../../src/tokenizers/load-tokenizer.js';
import { Umt5PromptTokenizer } from '../../src/tokenizers/umt5-prompt-tokenizer.js';
import { FIXTURES, runtime, tempDir } from './helpers.js';

const OFFICIAL = join(FIXTURES, 'tiny-umt5');
const TOKENIZER = join(OFFICIAL, 'google', 'umt5-xxl');
const tmp = tempDir('encode-prompt');

function fakeIo(): CliIo & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return {
    lines,
    errors,
    out: (l) => lines.push(l),
    err: (l) => errors.push(l),
    isTty: false,
    runtime: async () => runtime,
  };
}

test('encode-prompt on an official-layout folder prints token count and embedding shape', async () => {
  const io = fakeIo();
  const code = await encodePromptCommand(['--model', OFFICIAL, '--threads', '1', 'a red cat sits on the mat'], io);
  assert.equal(code, 0, io.errors.join('\n'));
  assert.match(io.lines[0], /^prompt: 8 tokens \(of 512\) -> embedding \[8, 16\] float32$/);
  assert.match(io.lines[1], /UMT5 dim 16, 2 layers, 2 heads \(official layout, bfloat16 weights, layered execution\)/);
});

test('--json prints one line; --out writes contexts equal to a direct encoder run', async () => {
  const io = fakeIo();
  const out = join(tmp, 'emb.safetensors');
  const prompt = '  A big   fox &amp; a small dog ';
  const code = await encodePromptCommand(
    ['--model', OFFICIAL, '--json', '--negative', 'blue sky', '--text-len', '16', '--full', '--out', out, prompt],
    io,
  );
  assert.equal(code, 0, io.errors.join('\n'));
  assert.equal(io.lines.length, 1);
  const j = JSON.parse(io.lines[0]) as Record<string, unknown>;
  // ▁ <unk:A> ▁big ▁fox ▁ <unk:&> ▁a ▁small ▁dog </s> (html-unescaped, whitespace squeezed)
  assert.equal(j.tokens, 10);
  assert.deepEqual(j.shape, [10, 16]);
  assert.equal(j.negativeTokens, 3);
  assert.deepEqual(j.negativeShape, [3, 16]);
  assert.equal(j.textLen, 16);
  assert.equal(j.layout, 'official');
  assert.equal(j.weightsDtype, 'bfloat16');

  const { tensors, metadata } = await readSafetensors(out);
  assert.equal(metadata.prompt, prompt);
  const tok = new Umt5PromptTokenizer(await loadTokenizer(TOKENIZER), { maxLength: 16 });
  const enc = [tok.encode(prompt), tok.encode('blue sky')];
  const source = await openCheckpoint(join(OFFICIAL, 'models_t5_umt5-xxl-enc-bf16.pth'));
  const { config, weights } = await loadUmt5Weights(source);
  await source.close();
  const program = new Program(runtime, { device: 'cpu' });
  try {
    const res = await new Umt5Encoder(config, weights, program).encode(
      HostTensor.i64([2, 16], [...enc[0].ids, ...enc[1].ids]),
      HostTensor.i64([2, 16], [...enc[0].mask, ...enc[1].mask]),
    );
    assert.deepEqual(tensors.get('context')?.data, res.contexts[0].data);
    assert.deepEqual(tensors.get('context_null')?.data, res.contexts[1].data);
  } finally {
    await program.dispose();
  }
});

test('encode-prompt finds text_encoder/ and tokenizer/ in a diffusers-layout folder', async () => {
  const root = join(tmp, 'diffusers');
  mkdirSync(join(root, 'text_encoder'), { recursive: true });
  mkdirSync(join(root, 'tokenizer'), { recursive: true });
  copyFileSync(join(TOKENIZER, 'tokenizer.json'), join(root, 'tokenizer', 'tokenizer.json'));
  const source = await openCheckpoint(join(OFFICIAL, 'models_t5_umt5-xxl-enc-bf16.pth'));
  const { weights } = await loadUmt5Weights(source);
  await source.close();
  const hf = new Map<string, HostTensor>();
  for (const [k, v] of weights) hf.set(umt5OfficialToHf(k) as string, v);
  await writeSafetensors(join(root, 'text_encoder', 'model.safetensors'), hf);

  const a = fakeIo();
  assert.equal(
    await encodePromptCommand(['--model', root, '--json', 'the dog runs in snow'], a),
    0,
    a.errors.join('\n'),
  );
  const b = fakeIo();
  assert.equal(await encodePromptCommand(['--model', OFFICIAL, '--json', 'the dog runs in snow'], b), 0);
  const ja = JSON.parse(a.lines[0]) as Record<string, unknown>;
  const jb = JSON.parse(b.lines[0]) as Record<string, unknown>;
  assert.equal(ja.layout, 'transformers');
  assert.equal(ja.tokens, 6);
  assert.deepEqual(ja.shape, jb.shape);
});

test('encode-prompt reports usage and bad input', async () => {
  const io = fakeIo();
  assert.equal(await encodePromptCommand([], io), 2);
  assert.match(io.errors[0], /wanjs encode-prompt --model DIR/);
  await assert.rejects(encodePromptCommand(['--model', join(tmp, 'nope'), 'x'], fakeIo()), InputError);
  await assert.rejects(encodePromptCommand(['--model', tmp, 'x'], fakeIo()), /has no text encoder/);
  await assert.rejects(encodePromptCommand(['x'], fakeIo()), /give --model DIR/);
  await assert.rejects(encodePromptCommand(['--model', OFFICIAL, '--execution', 'fast', 'x'], fakeIo()), /--execution/);
  const help = fakeIo();
  assert.equal(await encodePromptCommand(['--help'], help), 0);
  assert.match(help.lines[0], /--negative TEXT/);
});
