// Writing PyTorch checkpoints in the torch.save zip format, so tools that only
// take `.pth` files (and the official Wan code, which loads its VAE, T5 and
// CLIP that way) can read tensors produced here. The layout follows torch:
// a protocol-2 pickle `<archive>/data.pkl` of an OrderedDict whose values are
// `torch._utils._rebuild_tensor_v2(persistent storage, 0, size, stride, False,
// OrderedDict())`, one raw little-endian storage per tensor in
// `<archive>/data/<key>`, plus `byteorder` and `version`; entries are STORED
// and every record's data starts on a 64-byte boundary (padded with an "FB"
// extra field, as torch does), so readers can map storages in place.
import { type FileHandle, open, rename, rm } from 'node:fs/promises';
import * as zlib from 'node:zlib';
import type { DType } from '../dtype.js';
import { CheckpointError, InputError, throwIfAborted, WanError } from '../errors.js';
import type { HostTensor } from '../host-tensor.js';
import { TORCH_STORAGE_DTYPES } from './torch-pickle.js';

/** Options of {@link encodePth} and {@link writePth}. */
export interface PthWriteOptions {
  /**
   * Top folder inside the zip (default `archive`, what torch.save writes to a
   * file object; given a path, torch uses the file's stem). Readers accept any.
   */
  readonly archiveName?: string;
  /** Use ZIP64 records for every entry, not only where sizes or offsets need them. */
  readonly forceZip64?: boolean;
  readonly signal?: AbortSignal;
}

type TensorMap = ReadonlyMap<string, HostTensor> | Readonly<Record<string, HostTensor>>;

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** CRC-32 (zip's) in plain JS, for Node versions whose zlib has no `crc32` (before 20.15). */
export function crc32Portable(data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const crc32: (data: Uint8Array) => number = typeof zlib.crc32 === 'function' ? (d) => zlib.crc32(d) : crc32Portable;

const ALIGN = 64;
const U32_MAX = 0xffffffff;
/** DOS date 1980-01-01, time 00:00: fixed so equal inputs give equal files. */
const DOS_DATE = 0x21;
const STORAGE_CLASS: Readonly<Record<DType, string>> = Object.fromEntries(
  Object.entries(TORCH_STORAGE_DTYPES).map(([cls, dtype]) => [dtype, cls]),
) as Record<DType, string>;

/** Serialises tensors as a torch.save zip in memory (see {@link writePth} for large ones). */
export function encodePth(tensors: TensorMap, opts: PthWriteOptions = {}): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const chunk of pthChunks(tensors, opts)) parts.push(chunk);
  return Buffer.concat(parts);
}

/**
 * Writes tensors to `path` as a torch.save checkpoint (`torch.load(path)` returns
 * an OrderedDict of CPU tensors). Tensor data is streamed, never concatenated;
 * the file appears under its name only once complete.
 */
export async function writePth(path: string, tensors: TensorMap, opts: PthWriteOptions = {}): Promise<void> {
  const partial = `${path}.partial-${process.pid}`;
  let fh: FileHandle | undefined;
  try {
    fh = await open(partial, 'w');
    for (const chunk of pthChunks(tensors, opts)) {
      throwIfAborted(opts.signal);
      let done = 0;
      while (done < chunk.byteLength) {
        // Node refuses single writes over 2 GiB; big storages go in pieces.
        const { bytesWritten } = await fh.write(chunk, done, Math.min(chunk.byteLength - done, 1 << 30));
        done += bytesWritten;
      }
    }
    await fh.close();
    fh = undefined;
    await rename(partial, path);
  } catch (e) {
    await fh?.close().catch(() => undefined);
    await rm(partial, { force: true });
    if (e instanceof WanError) throw e;
    throw new CheckpointError(path, `cannot write (${(e as Error).message})`, { cause: e });
  }
}

interface Entry {
  readonly name: string;
  readonly data: Uint8Array;
}

/** The archive's records in torch's order: pickle, byteorder, storages (keys sorted as strings), version. */
function records(tensors: TensorMap, opts: PthWriteOptions): Entry[] {
  const archive = opts.archiveName ?? 'archive';
  if (!/^[\w.-]+$/.test(archive) || archive === '.' || archive === '..') {
    throw new InputError(`writePth: archiveName must be a plain folder name, got ${JSON.stringify(archive)}`);
  }
  const map = tensors instanceof Map ? tensors : new Map(Object.entries(tensors));
  const storages: Entry[] = [];
  let i = 0;
  for (const t of map.values()) {
    const key = String(i++);
    storages.push({
      name: `${archive}/data/${key}`,
      data: new Uint8Array(t.data.buffer, t.data.byteOffset, t.byteLength),
    });
  }
  storages.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const text = (s: string) => new TextEncoder().encode(s);
  return [
    { name: `${archive}/data.pkl`, data: stateDictPickle(map) },
    { name: `${archive}/byteorder`, data: text('little') },
    ...storages,
    { name: `${archive}/version`, data: text('3\n') },
  ];
}

/** Yields the zip file piece by piece: local headers, data, central directory, end records. */
function* pthChunks(tensors: TensorMap, opts: PthWriteOptions): Generator<Uint8Array> {
  const entries = records(tensors, opts);
  const force = opts.forceZip64 ?? false;
  const central: Uint8Array[] = [];
  let offset = 0;
  let anyZip64 = force;
  for (const { name, data } of entries) {
    throwIfAborted(opts.signal);
    const nameBytes = new TextEncoder().encode(name);
    const size = data.byteLength;
    const crc = crc32(data);
    const bigSize = force || size >= U32_MAX;
    const bigOffset = force || offset >= U32_MAX;
    anyZip64 ||= bigSize || bigOffset;
    const z64Local = bigSize ? zip64Extra([size, size]) : new Uint8Array(0);
    const fixed = 30 + nameBytes.byteLength + z64Local.byteLength + 4;
    const pad = (ALIGN - ((offset + fixed) % ALIGN)) % ALIGN;
    const local = new Uint8Array(fixed + pad);
    const v = new DataView(local.buffer);
    v.setUint32(0, 0x04034b50, true);
    v.setUint16(4, bigSize ? 45 : 20, true);
    v.setUint16(6, 0x0800, true); // UTF-8 names
    v.setUint16(8, 0, true); // STORED
    v.setUint16(10, 0, true);
    v.setUint16(12, DOS_DATE, true);
    v.setUint32(14, crc, true);
    v.setUint32(18, bigSize ? U32_MAX : size, true);
    v.setUint32(22, bigSize ? U32_MAX : size, true);
    v.setUint16(26, nameBytes.byteLength, true);
    v.setUint16(28, z64Local.byteLength + 4 + pad, true);
    local.set(nameBytes, 30);
    local.set(z64Local, 30 + nameBytes.byteLength);
    const fb = 30 + nameBytes.byteLength + z64Local.byteLength;
    v.setUint16(fb, 0x4246, true); // "FB": torch's alignment padding field
    v.setUint16(fb + 2, pad, true);
    local.fill(0x5a, fb + 4); // 'Z', as torch pads
    central.push(centralHeader(nameBytes, crc, size, offset, bigSize, bigOffset));
    yield local;
    yield data;
    offset += local.byteLength + size;
  }
  const cdOffset = offset;
  let cdSize = 0;
  for (const c of central) {
    cdSize += c.byteLength;
    yield c;
  }
  const count = entries.length;
  if (anyZip64 || count >= 0xffff || cdOffset >= U32_MAX || cdSize >= U32_MAX) {
    yield zip64End(count, cdSize, cdOffset);
    yield zip64Locator(cdOffset + cdSize);
    yield endRecord(0xffff, U32_MAX, U32_MAX);
  } else {
    yield endRecord(count, cdSize, cdOffset);
  }
}

/** ZIP64 extended-information field holding the given 64-bit values. */
function zip64Extra(values: readonly number[]): Uint8Array {
  const out = new Uint8Array(4 + 8 * values.length);
  const v = new DataView(out.buffer);
  v.setUint16(0, 0x0001, true);
  v.setUint16(2, 8 * values.length, true);
  for (const [i, x] of values.entries()) v.setBigUint64(4 + 8 * i, BigInt(x), true);
  return out;
}

function centralHeader(
  name: Uint8Array,
  crc: number,
  size: number,
  offset: number,
  bigSize: boolean,
  bigOffset: boolean,
): Uint8Array {
  // ZIP64 values appear in this order, and only for the fields saturated below.
  const extra = zip64Extra([...(bigSize ? [size, size] : []), ...(bigOffset ? [offset] : [])]);
  const extraLen = bigSize || bigOffset ? extra.byteLength : 0;
  const out = new Uint8Array(46 + name.byteLength + extraLen);
  const v = new DataView(out.buffer);
  const version = bigSize || bigOffset ? 45 : 20;
  v.setUint32(0, 0x02014b50, true);
  v.setUint16(4, version, true);
  v.setUint16(6, version, true);
  v.setUint16(8, 0x0800, true);
  v.setUint16(10, 0, true);
  v.setUint16(12, 0, true);
  v.setUint16(14, DOS_DATE, true);
  v.setUint32(16, crc, true);
  v.setUint32(20, bigSize ? U32_MAX : size, true);
  v.setUint32(24, bigSize ? U32_MAX : size, true);
  v.setUint16(28, name.byteLength, true);
  v.setUint16(30, extraLen, true);
  // comment length, disk number, internal and external attributes stay 0
  v.setUint32(42, bigOffset ? U32_MAX : offset, true);
  out.set(name, 46);
  if (extraLen) out.set(extra, 46 + name.byteLength);
  return out;
}

function zip64End(count: number, cdSize: number, cdOffset: number): Uint8Array {
  const out = new Uint8Array(56);
  const v = new DataView(out.buffer);
  v.setUint32(0, 0x06064b50, true);
  v.setBigUint64(4, 44n, true); // size of the rest of this record
  v.setUint16(12, 45, true);
  v.setUint16(14, 45, true);
  v.setBigUint64(24, BigInt(count), true);
  v.setBigUint64(32, BigInt(count), true);
  v.setBigUint64(40, BigInt(cdSize), true);
  v.setBigUint64(48, BigInt(cdOffset), true);
  return out;
}

function zip64Locator(recordOffset: number): Uint8Array {
  const out = new Uint8Array(20);
  const v = new DataView(out.buffer);
  v.setUint32(0, 0x07064b50, true);
  v.setBigUint64(8, BigInt(recordOffset), true);
  v.setUint32(16, 1, true); // total number of disks
  return out;
}

function endRecord(count: number, cdSize: number, cdOffset: number): Uint8Array {
  const out = new Uint8Array(22);
  const v = new DataView(out.buffer);
  v.setUint32(0, 0x06054b50, true);
  v.setUint16(8, Math.min(count, 0xffff), true);
  v.setUint16(10, Math.min(count, 0xffff), true);
  v.setUint32(12, cdSize, true);
  v.setUint32(16, cdOffset, true);
  return out;
}

/** A growable byte buffer with the few pickle opcodes a state dict needs. */
class PickleOut {
  #buf = new Uint8Array(1024);
  #len = 0;
  readonly #memo = new Map<string, number>();

  bytes(): Uint8Array {
    return this.#buf.slice(0, this.#len);
  }

  raw(...bytes: number[]): void {
    this.#reserve(bytes.length);
    this.#buf.set(bytes, this.#len);
    this.#len += bytes.length;
  }

  #append(b: Uint8Array): void {
    this.#reserve(b.byteLength);
    this.#buf.set(b, this.#len);
    this.#len += b.byteLength;
  }

  #reserve(n: number): void {
    if (this.#len + n <= this.#buf.byteLength) return;
    const next = new Uint8Array(Math.max(this.#buf.byteLength * 2, this.#len + n));
    next.set(this.#buf.subarray(0, this.#len));
    this.#buf = next;
  }

  #u32(op: number, x: number): void {
    const b = new Uint8Array(5);
    b[0] = op;
    new DataView(b.buffer).setUint32(1, x, true);
    this.#append(b);
  }

  /** GLOBAL once, then BINGET from the memo. */
  global(module: string, name: string): void {
    const id = `${module}\n${name}\n`;
    const slot = this.#memo.get(id);
    if (slot !== undefined) {
      if (slot < 256)
        this.raw(0x68, slot); // BINGET
      else this.#u32(0x6a, slot); // LONG_BINGET
      return;
    }
    this.raw(0x63); // GLOBAL
    this.#append(new TextEncoder().encode(id));
    const n = this.#memo.size;
    this.#memo.set(id, n);
    if (n < 256)
      this.raw(0x71, n); // BINPUT
    else this.#u32(0x72, n); // LONG_BINPUT
  }

  str(s: string): void {
    const b = new TextEncoder().encode(s);
    this.#u32(0x58, b.byteLength); // BINUNICODE
    this.#append(b);
  }

  int(x: number): void {
    if (!Number.isSafeInteger(x)) throw new InputError(`writePth: ${x} is not a safe integer`);
    if (x >= 0 && x < 0x100)
      this.raw(0x4b, x); // BININT1
    else if (x >= 0 && x < 0x10000)
      this.raw(0x4d, x & 0xff, x >> 8); // BININT2
    else if (x >= -0x80000000 && x < 0x80000000) {
      const b = new Uint8Array(5);
      b[0] = 0x4a; // BININT
      new DataView(b.buffer).setInt32(1, x, true);
      this.#append(b);
    } else {
      // LONG1: little-endian two's complement, as short as keeps the sign.
      const bytes: number[] = [];
      let v = BigInt(x);
      for (;;) {
        const b = Number(v & 0xffn);
        bytes.push(b);
        v >>= 8n;
        if ((v === 0n && b < 0x80) || (v === -1n && b >= 0x80)) break;
      }
      this.raw(0x8a, bytes.length, ...bytes);
    }
  }

  tuple(items: readonly number[]): void {
    if (items.length === 0) {
      this.raw(0x29); // EMPTY_TUPLE
      return;
    }
    if (items.length > 3) this.raw(0x28); // MARK
    for (const x of items) this.int(x);
    this.raw(items.length === 1 ? 0x85 : items.length === 2 ? 0x86 : items.length === 3 ? 0x87 : 0x74);
  }
}

/** Row-major strides as torch computes them (zero-sized dims count as 1). */
function contiguousStrides(shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    out[i] = s;
    s *= Math.max(shape[i], 1);
  }
  return out;
}

/** The data.pkl of a flat state dict; storage keys are the tensors' positions. */
function stateDictPickle(map: ReadonlyMap<string, HostTensor>): Uint8Array {
  const p = new PickleOut();
  p.raw(0x80, 2); // PROTO 2
  p.global('collections', 'OrderedDict');
  p.raw(0x29, 0x52); // EMPTY_TUPLE, REDUCE
  let i = 0;
  for (const [name, t] of map) {
    const cls = STORAGE_CLASS[t.dtype];
    if (!cls) throw new InputError(`writePth: tensor '${name}' has dtype ${t.dtype}, which has no torch storage type`);
    if (i % 1000 === 0) p.raw(0x28); // MARK: SETITEMS in batches, as pickle does
    p.str(name);
    p.global('torch._utils', '_rebuild_tensor_v2');
    p.raw(0x28, 0x28); // MARK (args), MARK (persistent id)
    p.str('storage');
    p.global('torch', cls);
    p.str(String(i));
    p.str('cpu');
    p.int(t.size);
    p.raw(0x74, 0x51); // TUPLE, BINPERSID
    p.int(0);
    p.tuple(t.shape);
    p.tuple(contiguousStrides(t.shape));
    p.raw(0x89); // NEWFALSE: requires_grad
    p.global('collections', 'OrderedDict');
    p.raw(0x29, 0x52, 0x74, 0x52); // EMPTY_TUPLE, REDUCE (hooks), TUPLE, REDUCE (rebuild)
    i++;
    if (i % 1000 === 0 || i === map.size) p.raw(0x75); // SETITEMS
  }
  p.raw(0x2e); // STOP
  return p.bytes();
}
