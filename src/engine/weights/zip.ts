// A minimal zip reader for PyTorch checkpoints: it parses the central
// directory (ZIP64 included, since real checkpoints exceed 4 GB) and reads
// entries by offset, so a multi-GB archive is never loaded whole. torch.save
// writes STORED entries; DEFLATE is accepted for archives re-zipped by tools.
import type { FileHandle } from 'node:fs/promises';
import { inflateRawSync } from 'node:zlib';
import { CheckpointError } from '../errors.js';
import { openForRead, readExactly } from './file-io.js';

const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const SIG_ZIP64_EOCD = 0x06064b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_LOCAL = 0x04034b50;
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;
/** Central directories larger than this are refused (torch archives hold a few thousand entries). */
const MAX_CENTRAL_DIRECTORY = 256 * 1024 * 1024;
const METHOD_STORED = 0;
const METHOD_DEFLATE = 8;

/** One file in the archive, as the central directory describes it. */
export interface ZipEntry {
  readonly name: string;
  /** 0 = STORED, 8 = DEFLATE. */
  readonly method: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localHeaderOffset: number;
}

/** An open zip archive; entry data is read on demand. Close it (or `await using`). */
export class ZipArchive implements AsyncDisposable {
  readonly path: string;
  readonly size: number;
  readonly entries: ReadonlyMap<string, ZipEntry>;
  #fh: FileHandle;
  #dataOffsets = new Map<string, number>();

  private constructor(path: string, fh: FileHandle, size: number, entries: ReadonlyMap<string, ZipEntry>) {
    this.path = path;
    this.#fh = fh;
    this.size = size;
    this.entries = entries;
  }

  /** Opens `path` and parses its central directory. */
  static async open(path: string): Promise<ZipArchive> {
    const fh = await openForRead(path);
    try {
      const size = (await fh.stat()).size;
      const entries = await readCentralDirectory(fh, path, size);
      return new ZipArchive(path, fh, size, entries);
    } catch (e) {
      await fh.close();
      throw e;
    }
  }

  /** The entry called `name`, or a CheckpointError naming it. */
  entry(name: string): ZipEntry {
    const e = this.entries.get(name);
    if (!e) throw new CheckpointError(this.path, `zip entry '${name}' is missing`);
    return e;
  }

  /** Absolute offset of the entry's data (after its local header), validated against the file size. */
  async dataOffset(entry: ZipEntry): Promise<number> {
    const cached = this.#dataOffsets.get(entry.name);
    if (cached !== undefined) return cached;
    const head = await readExactly(this.#fh, this.path, entry.localHeaderOffset, 30, `zip entry '${entry.name}'`);
    const v = new DataView(head.buffer, head.byteOffset, head.byteLength);
    if (v.getUint32(0, true) !== SIG_LOCAL) {
      throw new CheckpointError(
        this.path,
        `zip entry '${entry.name}': no local file header at byte ${entry.localHeaderOffset}`,
      );
    }
    const start = entry.localHeaderOffset + 30 + v.getUint16(26, true) + v.getUint16(28, true);
    if (start + entry.compressedSize > this.size) {
      throw new CheckpointError(
        this.path,
        `zip entry '${entry.name}': data [${start}, ${start + entry.compressedSize}) lies beyond the end of the file (${this.size} bytes; truncated?)`,
      );
    }
    this.#dataOffsets.set(entry.name, start);
    return start;
  }

  /** The whole (decompressed) content of an entry. */
  async read(entry: ZipEntry): Promise<Uint8Array> {
    const start = await this.dataOffset(entry);
    const raw = await readExactly(this.#fh, this.path, start, entry.compressedSize, `zip entry '${entry.name}'`);
    if (entry.method === METHOD_STORED) return raw;
    let out: Uint8Array;
    try {
      out = entry.size === 0 ? new Uint8Array(0) : inflateRawSync(raw, { maxOutputLength: entry.size });
    } catch (e) {
      throw new CheckpointError(this.path, `zip entry '${entry.name}': cannot inflate (${(e as Error).message})`, {
        cause: e,
      });
    }
    if (out.byteLength !== entry.size) {
      throw new CheckpointError(
        this.path,
        `zip entry '${entry.name}': inflated to ${out.byteLength} bytes, the directory says ${entry.size}`,
      );
    }
    return out;
  }

  /**
   * `length` bytes of an entry's content starting at `start`. STORED entries
   * are read in place; compressed ones are inflated whole first.
   */
  async readRange(entry: ZipEntry, start: number, length: number): Promise<Uint8Array> {
    if (start < 0 || length < 0 || start + length > entry.size) {
      throw new CheckpointError(
        this.path,
        `zip entry '${entry.name}': range [${start}, ${start + length}) is outside its ${entry.size} bytes`,
      );
    }
    if (entry.method !== METHOD_STORED) return (await this.read(entry)).slice(start, start + length);
    const base = await this.dataOffset(entry);
    return readExactly(this.#fh, this.path, base + start, length, `zip entry '${entry.name}'`);
  }

  async close(): Promise<void> {
    await this.#fh.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/** Reads a little-endian u64 that must fit a JS number. */
function u64(file: string, v: DataView, at: number, what: string): number {
  const x = v.getBigUint64(at, true);
  if (x > BigInt(Number.MAX_SAFE_INTEGER)) throw new CheckpointError(file, `zip ${what} ${x} is too large`);
  return Number(x);
}

interface DirectoryLocation {
  readonly count: number;
  readonly offset: number;
  readonly size: number;
}

async function locateDirectory(fh: FileHandle, file: string, fileSize: number): Promise<DirectoryLocation> {
  if (fileSize < EOCD_SIZE) throw new CheckpointError(file, `${fileSize} bytes is too short for a zip archive`);
  const tailLen = Math.min(fileSize, EOCD_SIZE + MAX_COMMENT + 20);
  const tailStart = fileSize - tailLen;
  const tail = await readExactly(fh, file, tailStart, tailLen, 'zip end of central directory');
  const v = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  let eocd = -1;
  for (let i = tailLen - EOCD_SIZE; i >= 0; i--) {
    if (v.getUint32(i, true) === SIG_EOCD && i + EOCD_SIZE + v.getUint16(i + 20, true) === tailLen) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new CheckpointError(file, 'no end-of-central-directory record: not a zip archive, or truncated');
  if (v.getUint16(eocd + 4, true) !== 0 || v.getUint16(eocd + 6, true) !== 0) {
    throw new CheckpointError(file, 'multi-disk zip archives are not supported');
  }
  let count = v.getUint16(eocd + 10, true);
  let size = v.getUint32(eocd + 12, true);
  let offset = v.getUint32(eocd + 16, true);
  const loc = eocd - 20;
  if (loc >= 0 && v.getUint32(loc, true) === SIG_ZIP64_LOCATOR) {
    const rec = u64(file, v, loc + 8, 'ZIP64 end-of-central-directory offset');
    if (rec + 56 > fileSize) {
      throw new CheckpointError(
        file,
        `ZIP64 end-of-central-directory offset ${rec} is beyond the end of the file (truncated?)`,
      );
    }
    const z = await readExactly(fh, file, rec, 56, 'ZIP64 end of central directory');
    const zv = new DataView(z.buffer, z.byteOffset, z.byteLength);
    if (zv.getUint32(0, true) !== SIG_ZIP64_EOCD) {
      throw new CheckpointError(file, `no ZIP64 end-of-central-directory record at byte ${rec}`);
    }
    count = u64(file, zv, 32, 'entry count');
    size = u64(file, zv, 40, 'central directory size');
    offset = u64(file, zv, 48, 'central directory offset');
  } else if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
    throw new CheckpointError(file, 'zip end-of-central-directory needs ZIP64 values but has no ZIP64 locator');
  }
  if (size > MAX_CENTRAL_DIRECTORY || offset + size > fileSize) {
    throw new CheckpointError(
      file,
      `zip central directory [${offset}, ${offset + size}) does not fit the file (${fileSize} bytes; truncated?)`,
    );
  }
  return { count, offset, size };
}

async function readCentralDirectory(
  fh: FileHandle,
  file: string,
  fileSize: number,
): Promise<ReadonlyMap<string, ZipEntry>> {
  const where = await locateDirectory(fh, file, fileSize);
  const cd = await readExactly(fh, file, where.offset, where.size, 'zip central directory');
  const v = new DataView(cd.buffer, cd.byteOffset, cd.byteLength);
  const names = new TextDecoder('utf-8');
  const entries = new Map<string, ZipEntry>();
  let p = 0;
  for (let i = 0; i < where.count; i++) {
    if (p + 46 > cd.byteLength || v.getUint32(p, true) !== SIG_CENTRAL) {
      throw new CheckpointError(file, `zip central directory entry ${i} of ${where.count} is malformed`);
    }
    const flags = v.getUint16(p + 8, true);
    const method = v.getUint16(p + 10, true);
    let compressedSize = v.getUint32(p + 20, true);
    let size = v.getUint32(p + 24, true);
    const nameLen = v.getUint16(p + 28, true);
    const extraLen = v.getUint16(p + 30, true);
    const commentLen = v.getUint16(p + 32, true);
    const disk = v.getUint16(p + 34, true);
    let localHeaderOffset = v.getUint32(p + 42, true);
    const end = p + 46 + nameLen + extraLen + commentLen;
    if (end > cd.byteLength) throw new CheckpointError(file, `zip central directory entry ${i} runs past its end`);
    const name = names.decode(cd.subarray(p + 46, p + 46 + nameLen));
    // ZIP64 extra field: 64-bit values appear only for the fields saturated above, in this order.
    let q = p + 46 + nameLen;
    const extraEnd = q + extraLen;
    while (q + 4 <= extraEnd) {
      const id = v.getUint16(q, true);
      const len = v.getUint16(q + 2, true);
      if (q + 4 + len > extraEnd) break;
      if (id === 0x0001) {
        let r = q + 4;
        const take = (what: string): number => {
          if (r + 8 > q + 4 + len) throw new CheckpointError(file, `zip entry '${name}': ZIP64 extra field too short`);
          const x = u64(file, v, r, what);
          r += 8;
          return x;
        };
        if (size === 0xffffffff) size = take('entry size');
        if (compressedSize === 0xffffffff) compressedSize = take('compressed size');
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = take('local header offset');
      }
      q += 4 + len;
    }
    if (flags & 1) throw new CheckpointError(file, `zip entry '${name}' is encrypted`);
    if (disk !== 0 && disk !== 0xffff) throw new CheckpointError(file, `zip entry '${name}' is on another disk`);
    if (method !== METHOD_STORED && method !== METHOD_DEFLATE) {
      throw new CheckpointError(
        file,
        `zip entry '${name}' uses compression method ${method} (only STORED and DEFLATE are supported)`,
      );
    }
    if (method === METHOD_STORED && compressedSize !== size) {
      throw new CheckpointError(
        file,
        `zip entry '${name}' is STORED but its sizes differ (${compressedSize} vs ${size} bytes)`,
      );
    }
    if (localHeaderOffset + 30 + compressedSize > fileSize) {
      throw new CheckpointError(
        file,
        `zip entry '${name}' (${compressedSize} bytes at ${localHeaderOffset}) lies beyond the end of the file (${fileSize} bytes; truncated?)`,
      );
    }
    if (entries.has(name)) throw new CheckpointError(file, `zip entry '${name}' appears twice`);
    entries.set(name, { name, method, compressedSize, size, localHeaderOffset });
    p = end;
  }
  return entries;
}
