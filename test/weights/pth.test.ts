import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CheckpointError } from '../../src/engine/errors.js';
import { openCheckpoint, PthFile } from '../../src/engine/weights/index.js';
import { ZipArchive } from '../../src/engine/weights/zip.js';
import { assertMatches, expected, fixture } from './fixtures.js';
import { PickleWriter, stateDictPickle, type TensorSpec } from './pickle-builder.js';
import { tempDir } from './tmp.js';
import { buildZip, type ZipInput } from './zip-builder.js';

const dir = tempDir('pth');

async function checkAgainstExpected(name: string): Promise<void> {
  const want = expected(name);
  await using src = await openCheckpoint(fixture(`${name}.pth`));
  assert.equal(src.format, 'pytorch');
  assert.deepEqual(src.keys().sort(), Object.keys(want).sort());
  for (const [k, e] of Object.entries(want)) {
    const info = src.info(k);
    assert.equal(info.dtype, e.dtype, k);
    assert.deepEqual(info.shape, e.shape, k);
    assertMatches(await src.read(k), e, k, (a, b, m) => assert.equal(a, b, m));
  }
}

/** The entries of a committed fixture, to rebuild variants of it. */
async function entriesOf(name: string): Promise<ZipInput[]> {
  await using zip = await ZipArchive.open(fixture(name));
  const out: ZipInput[] = [];
  for (const e of zip.entries.values()) out.push({ name: e.name, data: await zip.read(e) });
  return out;
}

function writeZip(name: string, inputs: readonly ZipInput[], zip64 = false): string {
  const path = join(dir, name);
  writeFileSync(path, buildZip(inputs, { zip64 }));
  return path;
}

async function rejects(path: string, problem: RegExp): Promise<void> {
  await assert.rejects(openCheckpoint(path), (e: unknown) => {
    assert.ok(e instanceof CheckpointError, `expected CheckpointError, got ${String(e)}`);
    assert.ok(e.message.startsWith(`${path}: `), e.message);
    assert.match(e.message, problem);
    return true;
  });
}

describe('pth: torch.save fixtures', () => {
  it('reads every dtype, a scalar and an empty tensor', () => checkAgainstExpected('dtypes'));
  it('rebuilds transposes, slices, strided and expanded views and shared storages densely', () =>
    checkAgainstExpected('views'));
  it('flattens nested dicts and lists with dots and skips non-tensor values', async () => {
    await checkAgainstExpected('nested');
    await using f = await PthFile.open(fixture('nested.pth'));
    assert.deepEqual(f.keys(), [
      'model.0.weight',
      'model.0.bias',
      'model.1.weight',
      'model.1.bias',
      'ema.decay',
      'ema.inner.w',
      'params.0',
    ]);
  });
  it('reads DEFLATE-compressed archives', async () => {
    const want = expected('dtypes');
    await using src = await openCheckpoint(fixture('dtypes-deflate.pth'));
    for (const [k, e] of Object.entries(want)) {
      assertMatches(await src.read(k), e, k, (a, b, m) => assert.equal(a, b, m));
    }
  });
  it('shares storage refs and reads only the viewed bytes', async () => {
    await using f = await PthFile.open(fixture('views.pth'));
    assert.equal(f.archiveName, 'views');
    assert.equal(f.entry('transposed').storage, f.entry('base').storage);
    assert.deepEqual(f.entry('transposed').stride, [1, 6]);
    assert.equal(f.entry('shared_b').storageOffset, 3);
    assert.equal(f.entry('shared_b').storage, f.entry('shared_a').storage);
    assert.deepEqual(f.info('expanded'), { dtype: 'float32', shape: [3, 4], byteLength: 48 });
  });
  it('refuses the legacy (non-zip) format with a hint', () => rejects(fixture('legacy.pth'), /legacy \(pre-1\.6\)/));
});

describe('pth: archive variants', () => {
  it('reads a ZIP64 archive (64-bit end record and extra fields)', async () => {
    const path = writeZip('z64.pth', await entriesOf('views.pth'), true);
    await using zip = await ZipArchive.open(path);
    assert.equal(zip.entries.size, 6);
    const want = expected('views');
    await using src = await openCheckpoint(path);
    for (const [k, e] of Object.entries(want)) {
      assertMatches(await src.read(k), e, k, (a, b, m) => assert.equal(a, b, m));
    }
  });

  it('honours byteorder = big by swapping every element', async () => {
    const inputs = (await entriesOf('dtypes.pth')).map((e) => ({
      ...e,
      name: e.name.replace(/^dtypes\//, 'archive/'),
    }));
    await using plain = await PthFile.open(fixture('dtypes.pth'));
    const swapped = inputs.map((e) => {
      const m = /^archive\/data\/(.+)$/.exec(e.name);
      if (!m) return e;
      const t = [...plain.entries.values()].find((x) => x.storage.key === m[1]);
      const size = t
        ? t.byteLength /
          Math.max(
            1,
            t.shape.reduce((a, b) => a * b, 1),
          )
        : 1;
      const data = Uint8Array.from(e.data);
      for (let i = 0; i < data.length; i += size) data.subarray(i, i + size).reverse();
      return { ...e, data };
    });
    swapped.push({ name: 'archive/byteorder', data: Buffer.from('big') });
    const path = writeZip('big.pth', swapped);
    await using f = await PthFile.open(path);
    assert.equal(f.byteOrder, 'big');
    assert.equal(f.archiveName, 'archive');
    for (const [k, e] of Object.entries(expected('dtypes'))) {
      assertMatches(await f.read(k), e, k, (a, b, m) => assert.equal(a, b, m));
    }
  });

  const spec: TensorSpec = {
    name: 'w',
    storageType: 'FloatStorage',
    key: '0',
    numel: 6,
    offset: 0,
    shape: [2, 3],
    stride: [3, 1],
  };
  const pkl = (t: TensorSpec[] = [spec]) => ({ name: 'archive/data.pkl', data: stateDictPickle(t) });
  const storage = (n: number) => ({ name: 'archive/data/0', data: new Uint8Array(n * 4) });

  it('builds a state dict from a hand-written pickle', async () => {
    const path = writeZip('hand.pth', [pkl(), storage(6)]);
    await using f = await PthFile.open(path);
    assert.deepEqual((await f.read('w')).shape, [2, 3]);
  });

  it('names missing storages, short storages and out-of-range views', async () => {
    await rejects(
      writeZip('nostore.pth', [pkl()]),
      /tensor 'w': its storage '0' \(zip entry archive\/data\/0\) is missing/,
    );
    await rejects(writeZip('short.pth', [pkl(), storage(5)]), /storage '0' holds 20 bytes, .* 6 float32 elements/);
    const wide = { ...spec, offset: 2 };
    await rejects(
      writeZip('wide.pth', [pkl([wide]), storage(6)]),
      /tensor 'w': view \[2, 3\] stride \[3, 1\] at offset 2 needs 8 elements/,
    );
    const f8 = { ...spec, storageType: 'Float8_e4m3fnStorage' };
    await rejects(
      writeZip('f8.pth', [pkl([f8]), storage(6)]),
      /unsupported storage type 'torch\.Float8_e4m3fnStorage'/,
    );
    const clash = { ...spec, name: 'v', storageType: 'HalfStorage' };
    await rejects(
      writeZip('clash.pth', [pkl([spec, clash]), storage(6)]),
      /storage '0' is referenced as float32\[6\] and as float16\[6\]/,
    );
  });

  it('rejects archives without exactly one data.pkl, bad byteorder and odd pickles', async () => {
    await rejects(writeZip('nopkl.pth', [storage(6)]), /no <archive>\/data\.pkl entry/);
    await rejects(writeZip('twopkl.pth', [pkl(), { ...pkl(), name: 'b/data.pkl' }]), /2 data\.pkl entries/);
    await rejects(
      writeZip('bo.pth', [pkl(), storage(6), { name: 'archive/byteorder', data: Buffer.from('middle') }]),
      /says 'middle'/,
    );
    const list = new PickleWriter().proto().int(5).stop().bytes();
    await rejects(
      writeZip('int.pth', [{ name: 'archive/data.pkl', data: list }]),
      /holds a int, expected a dict of tensors/,
    );
    const pid = new PickleWriter().proto().op('}').str('w').str('x').op('Q').op('s').stop().bytes();
    await rejects(writeZip('pid.pth', [{ name: 'archive/data.pkl', data: pid }]), /unsupported persistent id str/);
  });

  it('rejects truncated and non-zip files', async () => {
    const bytes = readFileSync(fixture('views.pth'));
    const cut = join(dir, 'cut.pth');
    writeFileSync(cut, bytes.subarray(0, bytes.byteLength - 30));
    await rejects(cut, /no end-of-central-directory record: not a zip archive, or truncated/);
    const mid = join(dir, 'mid.pth');
    writeFileSync(mid, Buffer.concat([bytes.subarray(0, 900), bytes.subarray(bytes.byteLength - 600)]));
    await rejects(mid, /beyond the end of the file \(truncated\?\)/);
    const junk = join(dir, 'junk.bin');
    writeFileSync(junk, 'hello world, not a checkpoint');
    await rejects(junk, /unrecognised checkpoint format/);
    await rejects(dir, /is not a regular file/);
  });
});

describe('pth: hostile pickles', () => {
  const marker = (tag: string) => join(dir, `marker-${tag}`);

  /** A pickle calling module.name(arg) through REDUCE, inside a valid torch-style zip. */
  function evil(tag: string, module: string, name: string, arg: string): string {
    const data = new PickleWriter().proto().global(module, name).str(arg).raw(0x85).reduce().stop().bytes();
    return writeZip(`${tag}.pth`, [
      { name: 'archive/data.pkl', data },
      { name: 'archive/version', data: Buffer.from('3\n') },
    ]);
  }

  for (const [module, name, arg] of [
    ['os', 'system', (m: string) => `touch ${m}`],
    ['posix', 'system', (m: string) => `touch ${m}`],
    ['builtins', 'eval', (m: string) => `__import__('os').system('touch ${m}')`],
    ['builtins', 'exec', (m: string) => `open('${m}', 'w').close()`],
    ['subprocess', 'call', (m: string) => `touch ${m}`],
    ['torch.storage', '_load_from_bytes', (m: string) => m],
    ['torch', 'load', (m: string) => m],
    ['collections', 'defaultdict', (m: string) => m],
  ] as const) {
    it(`refuses ${module}.${name} by name and runs nothing`, async () => {
      const tag = `${module}-${name}`;
      await rejects(
        evil(tag, module, name, arg(marker(tag))),
        new RegExp(`forbidden pickle global '${module}\\.${name}'`),
      );
      assert.equal(existsSync(marker(tag)), false);
    });
  }

  it('refuses a forbidden global hidden after valid tensors', async () => {
    const ok = stateDictPickle([
      { name: 'w', storageType: 'FloatStorage', key: '0', numel: 1, offset: 0, shape: [1], stride: [1] },
    ]);
    const tail = new PickleWriter()
      .global('os', 'system')
      .str(`touch ${marker('late')}`)
      .raw(0x85)
      .reduce()
      .op('.')
      .bytes();
    const data = Buffer.concat([ok.subarray(0, ok.length - 2), Buffer.from([0x58, 1, 0, 0, 0, 0x78]), tail]);
    await rejects(
      writeZip('late.pth', [
        { name: 'archive/data.pkl', data },
        { name: 'archive/data/0', data: new Uint8Array(4) },
      ]),
      /forbidden pickle global 'os\.system'/,
    );
    assert.equal(existsSync(marker('late')), false);
  });

  it('refuses a torch.save of an object reducing to os.system (fixture)', async () => {
    await rejects(fixture('malicious-os-system.pth'), /forbidden pickle global 'posix\.system'/);
    assert.equal(existsSync('wanjs-pickle-marker'), false);
  });

  it('refuses calling a storage class or an allowed global with wrong arguments', async () => {
    const call = new PickleWriter().proto().global('torch', 'FloatStorage').op(')').reduce().stop().bytes();
    await rejects(
      writeZip('callst.pth', [{ name: 'archive/data.pkl', data: call }]),
      /REDUCE calls global 'torch\.FloatStorage', which is not callable/,
    );
    const od = new PickleWriter()
      .proto()
      .global('collections', 'OrderedDict')
      .str('x')
      .raw(0x85)
      .reduce()
      .stop()
      .bytes();
    await rejects(writeZip('od.pth', [{ name: 'archive/data.pkl', data: od }]), /OrderedDict called with 1 arguments/);
  });
});
