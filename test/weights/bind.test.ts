import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { f32ToBf16, f32ToF16 } from '../../src/engine/dtype.js';
import { BindingError, CancelledError } from '../../src/engine/errors.js';
import { HostTensor } from '../../src/engine/host-tensor.js';
import {
  bindParameters,
  type DeclaredParameter,
  encodeSafetensors,
  openCheckpoint,
  summarizeSource,
  type TensorSource,
} from '../../src/engine/weights/index.js';
import { fixture } from './fixtures.js';
import { tempDir } from './tmp.js';

const dir = tempDir('bind');

async function source(tensors: Record<string, HostTensor>): Promise<TensorSource> {
  const path = join(dir, `s${Math.random().toString(36).slice(2)}.safetensors`);
  writeFileSync(path, encodeSafetensors(tensors));
  return openCheckpoint(path);
}

const decl = (entries: Record<string, number[]>): Map<string, DeclaredParameter> =>
  new Map(Object.entries(entries).map(([k, shape]) => [k, { shape }]));

const half = (values: number[], conv: (x: number) => number) => Uint16Array.from(values, conv);

describe('bindParameters', () => {
  it('reads every declared parameter, upcasting halves to float32 by default', async () => {
    await using src = await source({
      w: HostTensor.f32([2], [1, 2]),
      h: new HostTensor('float16', [2], half([0.5, -3], f32ToF16)),
      b: new HostTensor('bfloat16', [1, 2], half([1.5, 256], f32ToBf16)),
      ids: HostTensor.i64([2], [7, 8]),
    });
    const progress: string[] = [];
    const out = await bindParameters(decl({ w: [2], h: [2], b: [1, 2], ids: [2] }), src, {
      onProgress: (done, total, name) => progress.push(`${done}/${total} ${name}`),
    });
    assert.deepEqual([...out.keys()], ['w', 'h', 'b', 'ids']);
    assert.equal(out.get('h')?.dtype, 'float32');
    assert.deepEqual(Array.from(out.get('h')?.data as Float32Array), [0.5, -3]);
    assert.deepEqual(Array.from(out.get('b')?.data as Float32Array), [1.5, 256]);
    assert.equal(out.get('ids')?.dtype, 'int64', 'integer tensors are not converted');
    assert.deepEqual(progress, ['1/4 w', '2/4 h', '3/4 b', '4/4 ids']);
    const kept = await bindParameters(decl({ b: [1, 2] }), src, { dtype: 'keep', allowUnexpected: true });
    assert.equal(kept.get('b')?.dtype, 'bfloat16');
  });

  it('reports missing, unexpected and mis-shaped keys together, by name', async () => {
    const tensors: Record<string, HostTensor> = { good: HostTensor.zeros([1]), shape: HostTensor.zeros([3, 2]) };
    for (let i = 0; i < 25; i++) tensors[`extra.${String(i).padStart(2, '0')}`] = HostTensor.zeros([1]);
    await using src = await source(tensors);
    const want: Record<string, number[]> = { good: [1], shape: [2, 3] };
    for (let i = 0; i < 22; i++) want[`gone.${String(i).padStart(2, '0')}`] = [1];
    await assert.rejects(bindParameters(decl(want), src), (e: unknown) => {
      assert.ok(e instanceof BindingError);
      assert.equal(e.missing.length, 22);
      assert.equal(e.unexpected.length, 25);
      assert.match(e.message, /does not match the 24 declared parameters/);
      assert.match(e.message, /missing \(22\):\n {4}gone\.00\n/);
      assert.match(e.message, /gone\.19\n {4}… and 2 more/);
      assert.doesNotMatch(e.message, /gone\.20/);
      assert.match(e.message, /unexpected \(25\):\n {4}extra\.00/);
      assert.match(e.message, /… and 5 more/);
      assert.match(e.message, /shape mismatch \(1\):\n {4}shape: declared \[2, 3\], checkpoint \[3, 2\]/);
      assert.ok(e.message.includes(src.path));
      return true;
    });
  });

  it('applies prefix then keyMap; keys outside the prefix are ignored', async () => {
    await using src = await source({
      'dit.a.weight': HostTensor.zeros([2]),
      'dit.b.weight': HostTensor.zeros([3]),
      'vae.conv.weight': HostTensor.zeros([4]),
      'input.x': HostTensor.zeros([1]),
    });
    const keyMap = (k: string) => (k.startsWith('b.') ? `renamed.${k.slice(2)}` : k);
    const out = await bindParameters(decl({ 'a.weight': [2], 'renamed.weight': [3] }), src, { prefix: 'dit.', keyMap });
    assert.deepEqual([...out.keys()], ['a.weight', 'renamed.weight']);
    await assert.rejects(
      bindParameters(decl({ 'a.weight': [2] }), src, { prefix: 'dit.', keyMap }),
      (e: unknown) =>
        e instanceof BindingError &&
        e.unexpected.length === 1 &&
        /dit\.b\.weight \(as renamed\.weight\)/.test(e.message),
    );
  });

  it('allowUnexpected takes true or a pattern over full checkpoint names; keyMap undefined is unexpected', async () => {
    await using src = await source({
      w: HostTensor.zeros([1]),
      'aux.x': HostTensor.zeros([1]),
      drop: HostTensor.zeros([1]),
    });
    const keyMap = (k: string) => (k === 'drop' ? undefined : k);
    await assert.rejects(bindParameters(decl({ w: [1] }), src, { keyMap, allowUnexpected: /^aux\./ }), (e: unknown) => {
      assert.ok(e instanceof BindingError);
      assert.deepEqual(e.unexpected, ['drop']);
      return true;
    });
    const out = await bindParameters(decl({ w: [1] }), src, { keyMap, allowUnexpected: /^(aux\.|drop$)/ });
    assert.deepEqual([...out.keys()], ['w']);
    assert.equal((await bindParameters(decl({ w: [1] }), src, { allowUnexpected: true })).size, 1);
  });

  it('tied aliases bind once; aliases of different shapes conflict', async () => {
    await using src = await source({
      'encoder.embed_tokens.weight': HostTensor.f32([2], [1, 2]),
      'shared.weight': HostTensor.f32([2], [1, 2]),
    });
    const tied = (k: string) => (k === 'shared.weight' || k === 'encoder.embed_tokens.weight' ? 'emb' : undefined);
    const out = await bindParameters(decl({ emb: [2] }), src, { keyMap: tied });
    assert.deepEqual(Array.from(out.get('emb')?.data as Float32Array), [1, 2]);
    await using bad = await source({ 'a.x': HostTensor.zeros([2]), 'b.x': HostTensor.zeros([3]) });
    await assert.rejects(
      bindParameters(decl({ x: [2] }), bad, { keyMap: (k) => k.slice(2) }),
      /conflicting \(1\):\n {4}x: from a\.x \[2\] and b\.x \[3\]/,
    );
  });

  it('hints at a wrong prefix when nothing binds', async () => {
    await using src = await source({ 'model.w': HostTensor.zeros([1]) });
    await assert.rejects(
      bindParameters(decl({ w: [1] }), src, { allowUnexpected: true }),
      /no key was bound: wrong prefix or keyMap\? checkpoint keys look like: model\.w/,
    );
  });

  it('stops between tensors when aborted', async () => {
    await using src = await source({ a: HostTensor.zeros([1]), b: HostTensor.zeros([1]) });
    const ac = new AbortController();
    const p = bindParameters(decl({ a: [1], b: [1] }), src, { signal: ac.signal, onProgress: () => ac.abort('user') });
    await assert.rejects(p, CancelledError);
  });

  it('binds a nested .pth state dict through its prefix', async () => {
    await using src = await openCheckpoint(fixture('nested.pth'));
    const out = await bindParameters(decl({ '0.weight': [2, 3], '0.bias': [2], '1.weight': [2], '1.bias': [2] }), src, {
      prefix: 'model.',
    });
    assert.equal(out.size, 4);
    assert.equal(out.get('0.weight')?.dtype, 'float32');
  });
});

describe('summarizeSource', () => {
  it('counts tensors, elements and bytes per dtype from headers', async () => {
    await using src = await openCheckpoint(fixture('dtypes.pth'));
    const s = summarizeSource(src);
    assert.equal(s.tensors, 12);
    assert.equal(s.parameters, 6 + 6 + 8 + 4 + 5 + 4 + 3 + 3 + 3 + 3 + 1 + 0);
    assert.equal(s.bytes, 6 * 4 + 6 * 2 + 8 * 2 + 4 * 8 + 5 * 8 + 4 * 4 + 3 * 2 + 3 + 3 + 3 + 4 + 0);
    assert.deepEqual(s.dtypes.float32, { tensors: 3, parameters: 7, bytes: 28 });
    assert.deepEqual(s.dtypes.bfloat16, { tensors: 1, parameters: 8, bytes: 16 });
    assert.equal(s.dtypes.float64?.parameters, 4);
    assert.equal(Object.keys(s.dtypes).length, 10);
  });
});
