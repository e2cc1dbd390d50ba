import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { crc32 } from 'node:zlib';
import { f32ToBf16, f32ToF16 } from '../../src/engine/dtype.js';
import { CancelledError, InputError } from '../../src/engine/errors.js';
import { HostTensor } from '../../src/engine/host-tensor.js';
import { encodePth, openCheckpoint, PthFile, writePth } from '../../src/engine/weights/index.js';
import { crc32Portable } from '../../src/engine/weights/pth-writer.js';
import { ZipArchive } from '../../src/engine/weights/zip.js';
import { sameTensor, tempDir } from './helpers.js';

const dir = tempDir('pth-writer');

/** One tensor of every dtype, with edge values, plus unusual shapes. */
function samples(): Map<string, HostTensor> {
  const floats = [0, -0, 1, -2.5, 3.25, 65504, 1e-8, -1e30, Number.POSITIVE_INFINITY, Number.NaN, 7, 8];
  return new Map<string, HostTensor>([
    ['f32', HostTensor.f32([3, 4], floats)],
    ['f16', new HostTensor('float16', [2, 6], Uint16Array.from(floats, f32ToF16))],
    ['bf16', new HostTensor('bfloat16', [2, 3, 2], Uint16Array.from(floats, f32ToBf16))],
    ['f64', new HostTensor('float64', [2], Float64Array.of(Math.PI, -1e300))],
    ['i64', HostTensor.i64([4], [-1n, 0n, 2n ** 62n, -(2n ** 63n)])],
    ['i32', new HostTensor('int32', [3], Int32Array.of(-2147483648, 0, 2147483647))],
    ['i16', new HostTensor('int16', [2], Int16Array.of(-32768, 32767))],
    ['i8', new HostTensor('int8', [2], Int8Array.of(-128, 127))],
    ['u8', new HostTensor('uint8', [3], Uint8Array.of(0, 128, 255))],
    ['bool', new HostTensor('bool', [2, 2], Uint8Array.of(1, 0, 0, 1))],
    ['scalar', HostTensor.f32([], [42])],
    ['empty', HostTensor.f32([2, 0, 3], [])],
    [
      'rank5',
      HostTensor.f32(
        [1, 2, 1, 2, 2],
        Float32Array.from({ length: 8 }, (_, i) => i),
      ),
    ],
    [
      'big.numel',
      HostTensor.f32(
        [300, 300],
        Float32Array.from({ length: 90000 }, (_, i) => i * 0.5),
      ),
    ],
    ['ünï/cødé key', HostTensor.f32([1], [1])],
  ]);
}

async function roundTrip(path: string, want: ReadonlyMap<string, HostTensor>): Promise<void> {
  await using src = await openCheckpoint(path);
  assert.equal(src.format, 'pytorch');
  assert.deepEqual(src.keys(), [...want.keys()]);
  for (const [k, t] of want) {
    const got = await src.read(k);
    assert.ok(sameTensor(got, t), `${k}: ${got.dtype} [${got.shape}] differs from ${t.dtype} [${t.shape}]`);
  }
}

describe('writePth / encodePth', () => {
  it('reads back bit-exactly through openCheckpoint, every dtype and shape', async () => {
    const path = join(dir, 'all.pth');
    await writePth(path, samples());
    await roundTrip(path, samples());
  });

  it('accepts a plain object and keeps insertion order', async () => {
    const path = join(dir, 'obj.pth');
    const a = HostTensor.f32([2], [1, 2]);
    const b = HostTensor.i64([1], [5]);
    await writePth(path, { zeta: a, alpha: b });
    await roundTrip(
      path,
      new Map<string, HostTensor>([
        ['zeta', a],
        ['alpha', b],
      ]),
    );
  });

  it('writes the records torch writes, under the archive folder, data 64-byte aligned', async () => {
    const path = join(dir, 'layout.pth');
    await writePth(path, samples(), { archiveName: 'my_model' });
    await using zip = await ZipArchive.open(path);
    const names = [...zip.entries.keys()];
    assert.equal(names[0], 'my_model/data.pkl');
    assert.equal(names[1], 'my_model/byteorder');
    assert.equal(names[names.length - 1], 'my_model/version');
    // Storage keys in string order, as torch writes them.
    const keys = names.filter((n) => n.includes('/data/')).map((n) => n.slice('my_model/data/'.length));
    assert.deepEqual(keys, [...keys].sort());
    assert.equal(keys.length, samples().size);
    assert.equal(new TextDecoder().decode(await zip.read(zip.entry('my_model/version'))), '3\n');
    assert.equal(new TextDecoder().decode(await zip.read(zip.entry('my_model/byteorder'))), 'little');
    for (const e of zip.entries.values()) {
      assert.equal(e.method, 0, `${e.name} is stored`);
      assert.equal((await zip.dataOffset(e)) % 64, 0, `${e.name} data is 64-byte aligned`);
    }
    await using f = await PthFile.open(path);
    assert.equal(f.archiveName, 'my_model');
    assert.equal(f.byteOrder, 'little');
    assert.deepEqual(f.entry('f32').stride, [4, 1]);
    assert.deepEqual(f.entry('empty').stride, [3, 3, 1]); // torch counts zero-sized dims as 1
  });

  it('batches SETITEMS over 1000 keys', async () => {
    const many = new Map<string, HostTensor>();
    for (let i = 0; i < 2345; i++) many.set(`layer.${i}.w`, HostTensor.f32([1], [i]));
    const path = join(dir, 'many.pth');
    await writePth(path, many);
    await roundTrip(path, many);
  });

  it('writes ZIP64 records on request and reads them back', async () => {
    const path = join(dir, 'zip64.pth');
    await writePth(path, samples(), { forceZip64: true });
    await roundTrip(path, samples());
    const tail = readFileSync(path).subarray(-98);
    assert.equal(Buffer.from(tail).readUInt32LE(0), 0x06064b50, 'ZIP64 end record');
  });

  it('is deterministic, and writePth writes exactly encodePth', async () => {
    const path = join(dir, 'det.pth');
    await writePth(path, samples());
    const a = encodePth(samples());
    assert.ok(Buffer.from(a).equals(Buffer.from(encodePth(samples()))));
    assert.ok(Buffer.from(a).equals(readFileSync(path)));
  });

  it('writes tensors whose data is a view into a larger buffer', async () => {
    const backing = Float32Array.from({ length: 10 }, (_, i) => i);
    const t = HostTensor.f32([2, 2], backing.subarray(3, 7));
    const path = join(dir, 'view.pth');
    await writePth(path, { t });
    await using src = await openCheckpoint(path);
    assert.deepEqual([...(await src.read('t')).data], [3, 4, 5, 6]);
  });

  it('refuses a bad archive name', () => {
    assert.throws(() => encodePth({}, { archiveName: '../x' }), InputError);
    assert.throws(() => encodePth({}, { archiveName: 'a/b' }), InputError);
  });

  it('writes an empty state dict', async () => {
    const path = join(dir, 'empty.pth');
    await writePth(path, new Map());
    await using src = await openCheckpoint(path);
    assert.deepEqual(src.keys(), []);
  });

  it('stops on abort and leaves no file behind', async () => {
    const ac = new AbortController();
    ac.abort();
    const path = join(dir, 'aborted.pth');
    await assert.rejects(writePth(path, samples(), { signal: ac.signal }), CancelledError);
    assert.equal(existsSync(path), false);
    assert.equal(
      readdirSync(dir).some((n) => n.includes('.partial-')),
      false,
    );
  });

  it('computes zip CRCs without zlib.crc32 too (Node < 20.15)', () => {
    const data = Uint8Array.from({ length: 5000 }, (_, i) => (i * 131 + (i >> 3)) & 0xff);
    assert.equal(crc32Portable(data), crc32(data));
    assert.equal(crc32Portable(new Uint8Array(0)), 0);
    assert.equal(crc32Portable(new TextEncoder().encode('123456789')), 0xcbf43926);
  });
});
