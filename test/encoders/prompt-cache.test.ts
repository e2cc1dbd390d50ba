import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HostTensor } from '../../src/engine/host-tensor.js';
import { PromptEmbeddingCache } from '../../src/models/wan/prompt-cache.js';

const emb = (rows: number, fill = rows) => HostTensor.f32([rows, 4], new Float32Array(rows * 4).fill(fill)); // 16·rows bytes
const key = (text: string, model = 'm') => ({ model, text, maxTokens: 512 });

test('get/set count hits and misses and refresh recency (LRU by entries)', () => {
  const cache = new PromptEmbeddingCache({ maxEntries: 2 });
  assert.equal(cache.get(key('a')), undefined);
  cache.set(key('a'), emb(1));
  cache.set(key('b'), emb(2));
  assert.equal(cache.get(key('a'))?.shape[0], 1); // a is now the most recent
  cache.set(key('c'), emb(3)); // evicts b
  assert.equal(cache.has(key('b')), false);
  assert.equal(cache.has(key('a')), true);
  assert.equal(cache.has(key('c')), true);
  assert.deepEqual(cache.stats, { hits: 1, misses: 1, entries: 2, bytes: 16 + 48, evictions: 1 });
});

test('the byte bound evicts oldest first and refuses a single oversized value', () => {
  const cache = new PromptEmbeddingCache({ maxEntries: 10, maxBytes: 100 });
  cache.set(key('a'), emb(2)); // 32
  cache.set(key('b'), emb(2)); // 64
  cache.set(key('c'), emb(2)); // 96
  cache.set(key('d'), emb(2)); // 128 > 100: a goes
  assert.deepEqual(
    ['a', 'b', 'c', 'd'].map((t) => cache.has(key(t))),
    [false, true, true, true],
  );
  assert.equal(cache.stats.bytes, 96);
  assert.equal(cache.set(key('big'), emb(7)), false, '112 bytes alone exceed the bound');
  assert.equal(cache.has(key('big')), false);
  cache.set(key('b'), emb(1)); // replacing an entry updates the byte count
  assert.equal(cache.stats.bytes, 80);
  cache.delete(key('c'));
  assert.equal(cache.stats.bytes, 48);
  cache.clear();
  assert.deepEqual(
    { ...cache.stats, hits: 0, misses: 0, evictions: 0 },
    { hits: 0, misses: 0, entries: 0, bytes: 0, evictions: 0 },
  );
});

test('keys separate models, token limits and texts unambiguously', () => {
  const cache = new PromptEmbeddingCache();
  cache.set({ model: 'x', text: 'a"b' }, emb(1));
  assert.equal(cache.has({ model: 'x', text: 'a"b', maxTokens: 512 }), false);
  assert.equal(cache.has({ model: 'y', text: 'a"b' }), false);
  assert.equal(cache.has({ model: 'x"', text: 'b' }), false);
  assert.equal(cache.has({ model: 'x', text: 'a"b' }), true);
  assert.notEqual(
    PromptEmbeddingCache.keyOf({ model: 'a', text: 'b,c' }),
    PromptEmbeddingCache.keyOf({ model: 'a,b', text: 'c' }),
  );
  assert.throws(() => new PromptEmbeddingCache({ maxEntries: -1 }), /maxEntries/);
});

test('getOrEncode encodes only the misses, in one batch, and shares concurrent work', async () => {
  const cache = new PromptEmbeddingCache();
  const calls: string[][] = [];
  const encode = async (texts: readonly string[]) => {
    calls.push([...texts]);
    await new Promise((r) => setTimeout(r, 5));
    return texts.map((t) => emb(t.length));
  };
  const [p, n] = await cache.getOrEncode('m', ['a cat', 'blurry'], encode);
  assert.equal(p.shape[0], 5);
  assert.equal(n.shape[0], 6);
  // Same negative prompt, new prompt: only the prompt is encoded.
  const [p2, n2] = await cache.getOrEncode('m', ['a dog!', 'blurry'], encode);
  assert.equal(p2.shape[0], 6);
  assert.equal(n2, n, 'the cached tensor itself is returned');
  // Two concurrent requests for the same new text: one encoder call.
  const [x, y] = await Promise.all([
    cache.getOrEncode('m', ['same'], encode),
    cache.getOrEncode('m', ['same', 'same'], encode),
  ]);
  assert.equal(x[0], y[0]);
  assert.equal(y[1], y[0]);
  assert.deepEqual(calls, [['a cat', 'blurry'], ['a dog!'], ['same']]);
  // Another model never sees these entries.
  await cache.getOrEncode('other', ['blurry'], encode);
  assert.deepEqual(calls.at(-1), ['blurry']);
  assert.equal(cache.stats.entries, 5);
});

test('a failed encode is not cached and can be retried', async () => {
  const cache = new PromptEmbeddingCache();
  let fail = true;
  const encode = async (texts: readonly string[]) => {
    if (fail) throw new Error('boom');
    return texts.map(() => emb(1));
  };
  await assert.rejects(cache.getOrEncode('m', ['a'], encode), /boom/);
  assert.equal(cache.has(key('a')), false);
  fail = false;
  const [a] = await cache.getOrEncode('m', ['a'], encode);
  assert.equal(a.shape[0], 1);
  await assert.rejects(
    cache.getOrEncode('m', ['b', 'c'], async () => [emb(1)]),
    /returned 1 embeddings for 2 texts/,
  );
});
