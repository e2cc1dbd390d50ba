import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { DType } from '../../src/engine/dtype.js';
import { CheckpointError } from '../../src/engine/errors.js';
import { allocStorage, HostTensor } from '../../src/engine/host-tensor.js';
import { encodeSafetensors, openCheckpoint, readSafetensors, SafetensorsFile } from '../../src/engine/weights/index.js';
import { tempDir } from './tmp.js';

const dir = tempDir('st');

/** A raw safetensors file from a header object (or raw header text) and a data section. */
function rawFile(name: string, header: unknown, data: Uint8Array = new Uint8Array(0), lengthOverride?: bigint): string {
  const head = Buffer.from(typeof header === 'string' ? header : JSON.stringify(header), 'utf8');
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(lengthOverride ?? BigInt(head.byteLength));
  const path = join(dir, name);
  writeFileSync(path, Buffer.concat([len, head, data]));
  return path;
}

async function rejects(path: string, problem: RegExp): Promise<void> {
  await assert.rejects(SafetensorsFile.open(path), (e: unknown) => {
    assert.ok(e instanceof CheckpointError, `expected CheckpointError, got ${String(e)}`);
    assert.equal(e.file, path);
    assert.ok(e.message.startsWith(`${path}: `), e.message);
    assert.match(e.message, problem);
    return true;
  });
}

describe('safetensors: malformed files give CheckpointError naming file and problem', () => {
  it('file shorter than the length prefix', async () => {
    const path = join(dir, 'tiny.safetensors');
    writeFileSync(path, Buffer.from([1, 2, 3]));
    await rejects(path, /3 bytes, too short/);
  });

  it('header length larger than the file', async () => {
    await rejects(rawFile('len.safetensors', {}, new Uint8Array(4), 1000n), /header length 1000 exceeds the file size/);
    await rejects(rawFile('len64.safetensors', {}, new Uint8Array(4), 2n ** 63n), /header length \d+ exceeds/);
  });

  it('header not JSON, not UTF-8, not an object', async () => {
    await rejects(rawFile('json.safetensors', '{"a": [1, 2'), /header is not valid UTF-8 JSON/);
    const bad = rawFile('utf8.safetensors', 'xx');
    writeFileSync(bad, Buffer.concat([Buffer.from([2, 0, 0, 0, 0, 0, 0, 0]), Buffer.from([0xc3, 0x28])]));
    await rejects(bad, /not valid UTF-8 JSON/);
    await rejects(rawFile('arr.safetensors', '[1,2]'), /header must be a JSON object/);
    await rejects(rawFile('empty.safetensors', ''), /not valid UTF-8 JSON/);
  });

  it('unknown dtype', async () => {
    const h = { t: { dtype: 'F8_E4M3', shape: [1], data_offsets: [0, 1] } };
    await rejects(rawFile('dtype.safetensors', h, new Uint8Array(1)), /tensor 't': unsupported dtype "F8_E4M3"/);
  });

  it('shape / size mismatch and bad shapes', async () => {
    const h = { t: { dtype: 'F32', shape: [2, 3], data_offsets: [0, 20] } };
    await rejects(rawFile('size.safetensors', h, new Uint8Array(24)), /span 20 bytes, float32 \[2,3\] needs 24/);
    const neg = { t: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } };
    await rejects(rawFile('neg.safetensors', neg, new Uint8Array(4)), /shape \[-1\] is not a list of non-negative/);
    const huge = { t: { dtype: 'F32', shape: [2 ** 40, 2 ** 40], data_offsets: [0, 4] } };
    await rejects(rawFile('huge.safetensors', huge, new Uint8Array(4)), /too large/);
  });

  it('offsets out of range, malformed or reversed', async () => {
    const h = { t: { dtype: 'F32', shape: [4], data_offsets: [8, 24] } };
    await rejects(rawFile('range.safetensors', h, new Uint8Array(16)), /end 24 is beyond the data section \(16 bytes/);
    const f = { t: { dtype: 'F32', shape: [1], data_offsets: [0.5, 4.5] } };
    await rejects(
      rawFile('float.safetensors', f, new Uint8Array(8)),
      /data_offsets \[0.5,4.5\] must be \[begin, end\]/,
    );
    const r = { t: { dtype: 'U8', shape: [0], data_offsets: [4, 0] } };
    await rejects(rawFile('rev.safetensors', r, new Uint8Array(8)), /data_offsets \[4, 0\]/);
  });

  it('overlapping offsets', async () => {
    const h = {
      a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
      b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] },
    };
    await rejects(rawFile('overlap.safetensors', h, new Uint8Array(12)), /tensors 'a' and 'b' overlap/);
  });

  it('truncated data section', async () => {
    const good = encodeSafetensors({ w: HostTensor.f32([4, 4], new Float32Array(16).fill(1)) });
    const path = join(dir, 'trunc.safetensors');
    writeFileSync(path, good.subarray(0, good.byteLength - 5));
    await rejects(path, /beyond the data section .*truncated/);
  });

  it('bad entries and metadata', async () => {
    await rejects(rawFile('entry.safetensors', { t: 5 }), /tensor 't': entry must be an object/);
    await rejects(rawFile('meta.safetensors', { __metadata__: { a: 1 } }), /__metadata__.a must be a string/);
    await rejects(rawFile('meta2.safetensors', { __metadata__: [] }), /__metadata__ must be an object/);
  });

  it('missing file and unknown tensor name', async () => {
    await rejects(join(dir, 'nope.safetensors'), /cannot open/);
    const path = rawFile('ok.safetensors', { __metadata__: { k: 'v' } });
    await using f = await SafetensorsFile.open(path);
    assert.deepEqual(f.keys(), []);
    assert.equal(f.metadata.k, 'v');
    assert.throws(() => f.info('x'), /no tensor named 'x'/);
  });
});

describe('safetensors: round trip', () => {
  const dtypes: DType[] = [
    'float32',
    'float16',
    'bfloat16',
    'float64',
    'int64',
    'int32',
    'int16',
    'int8',
    'uint8',
    'bool',
  ];

  function sample(dtype: DType, shape: number[]): HostTensor {
    let n = 1;
    for (const d of shape) n *= d;
    const data = allocStorage(dtype, n);
    for (let i = 0; i < n; i++) {
      if (data instanceof BigInt64Array) data[i] = BigInt(i * 1_000_000_007) - 2n ** 40n;
      else if (data instanceof Float32Array || data instanceof Float64Array) data[i] = (i - 3) / 7;
      else if (dtype === 'bool') data[i] = i % 3 === 0 ? 1 : 0;
      else if (data instanceof Uint16Array) data[i] = (i * 2654435761) & 0xffff;
      else (data as Int32Array)[i] = ((i * 37) % 200) - 100;
    }
    return new HostTensor(dtype, shape, data);
  }

  it('every dtype, scalars and empty tensors survive encode → file → read bit-exactly', async () => {
    const tensors = new Map<string, HostTensor>();
    dtypes.forEach((d, i) => {
      tensors.set(`t.${d}`, sample(d, [2, i + 1, 3]));
    });
    tensors.set('scalar', sample('float32', []));
    tensors.set('empty', sample('int64', [0, 5]));
    const path = join(dir, 'all.safetensors');
    writeFileSync(path, encodeSafetensors(tensors, { note: 'round trip' }));
    const back = await readSafetensors(path);
    assert.equal(back.metadata.note, 'round trip');
    assert.deepEqual([...back.tensors.keys()].sort(), [...tensors.keys()].sort());
    for (const [k, t] of tensors) {
      const r = back.tensors.get(k) as HostTensor;
      assert.equal(r.dtype, t.dtype, k);
      assert.deepEqual(r.shape, t.shape, k);
      assert.deepEqual(
        Buffer.from(r.data.buffer, r.data.byteOffset, r.byteLength),
        Buffer.from(t.data.buffer, t.data.byteOffset, t.byteLength),
        k,
      );
    }
    await using src = await openCheckpoint(path);
    assert.equal(src.format, 'safetensors');
    assert.deepEqual(src.info('t.bfloat16'), { dtype: 'bfloat16', shape: [2, 3, 3], byteLength: 36 });
    assert.ok(src.has('scalar') && !src.has('nope'));
  });
});
