// safetensors: an 8-byte little-endian header length, a JSON header, then raw
// little-endian tensor bytes. Every offset and size is validated against the
// header and the file length before any data is trusted.
import { type FileHandle, writeFile } from 'node:fs/promises';
import { DTYPE_BYTES, type DType } from '../dtype.js';
import { CheckpointError } from '../errors.js';
import { HostTensor, numel, viewBytes } from '../host-tensor.js';
import { openForRead, readExactly } from './file-io.js';
import type { TensorInfo, TensorSource } from './tensor-source.js';

const ST_DTYPES: Readonly<Record<string, DType>> = {
  F32: 'float32',
  F16: 'float16',
  BF16: 'bfloat16',
  F64: 'float64',
  I64: 'int64',
  I32: 'int32',
  I16: 'int16',
  I8: 'int8',
  U8: 'uint8',
  BOOL: 'bool',
};
const ST_NAMES: Readonly<Record<DType, string>> = Object.fromEntries(
  Object.entries(ST_DTYPES).map(([k, v]) => [v, k]),
) as Record<DType, string>;

/** Headers larger than this are refused: real checkpoints stay far below it. */
const MAX_HEADER_BYTES = 100 * 1024 * 1024;

/** One tensor of a safetensors header, with its absolute position in the file. */
export interface TensorEntry {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
  /** Absolute byte offset of the first element in the file. */
  readonly offset: number;
  readonly byteLength: number;
}

/** A validated safetensors header. */
export interface SafetensorsHeader {
  readonly metadata: Readonly<Record<string, string>>;
  readonly entries: ReadonlyMap<string, TensorEntry>;
  /** Absolute offset where the data section starts. */
  readonly dataStart: number;
}

/** Parses and validates a header given its bytes and the total file size. */
export function parseHeader(file: string, head: Uint8Array, fileSize: number): SafetensorsHeader {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(head));
  } catch (e) {
    throw new CheckpointError(file, `header is not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new CheckpointError(file, 'header must be a JSON object');
  }
  const dataStart = 8 + head.byteLength;
  const dataSize = fileSize - dataStart;
  const metadata: Record<string, string> = {};
  const entries = new Map<string, TensorEntry>();
  const spans: [number, number, string][] = [];
  for (const [name, raw] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
        throw new CheckpointError(file, '__metadata__ must be an object');
      }
      for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
        if (typeof v !== 'string') throw new CheckpointError(file, `__metadata__.${k} must be a string`);
        metadata[k] = v;
      }
      continue;
    }
    const info = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (info === null || typeof info !== 'object' || Array.isArray(info)) {
      throw new CheckpointError(file, `tensor '${name}': entry must be an object`);
    }
    const dtype = typeof info.dtype === 'string' ? ST_DTYPES[info.dtype] : undefined;
    if (!dtype) {
      throw new CheckpointError(
        file,
        `tensor '${name}': unsupported dtype ${JSON.stringify(info.dtype)} (expected one of ${Object.keys(ST_DTYPES).join(', ')})`,
      );
    }
    if (!Array.isArray(info.shape) || !info.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new CheckpointError(
        file,
        `tensor '${name}': shape ${JSON.stringify(info.shape)} is not a list of non-negative integers`,
      );
    }
    const off = info.data_offsets;
    if (!Array.isArray(off) || off.length !== 2 || !off.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new CheckpointError(file, `tensor '${name}': data_offsets ${JSON.stringify(off)} must be [begin, end]`);
    }
    const [begin, end] = off as [number, number];
    const shape = info.shape as number[];
    const expected = numel(shape) * DTYPE_BYTES[dtype];
    if (!Number.isSafeInteger(expected)) {
      throw new CheckpointError(file, `tensor '${name}': shape ${JSON.stringify(shape)} is too large`);
    }
    if (end < begin || end - begin !== expected) {
      throw new CheckpointError(
        file,
        `tensor '${name}': data_offsets [${begin}, ${end}] span ${end - begin} bytes, ${dtype} ${JSON.stringify(shape)} needs ${expected}`,
      );
    }
    if (end > dataSize) {
      throw new CheckpointError(
        file,
        `tensor '${name}': data_offsets end ${end} is beyond the data section (${dataSize} bytes; file truncated?)`,
      );
    }
    entries.set(name, { name, dtype, shape, offset: dataStart + begin, byteLength: end - begin });
    spans.push([begin, end, name]);
  }
  spans.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < spans.length; i++) {
    if (spans[i][0] < spans[i - 1][1]) {
      throw new CheckpointError(file, `tensors '${spans[i - 1][2]}' and '${spans[i][2]}' overlap in the data section`);
    }
  }
  return { metadata, entries, dataStart };
}

/** An open safetensors file; tensors are read on demand. Close it (or `await using`). */
export class SafetensorsFile implements TensorSource {
  readonly path: string;
  readonly format = 'safetensors' as const;
  readonly header: SafetensorsHeader;
  readonly size: number;
  #fh: FileHandle;

  private constructor(path: string, fh: FileHandle, header: SafetensorsHeader, size: number) {
    this.path = path;
    this.#fh = fh;
    this.header = header;
    this.size = size;
  }

  /** Opens `path` and validates its header; reads no tensor data. */
  static async open(path: string): Promise<SafetensorsFile> {
    const fh = await openForRead(path);
    try {
      const size = (await fh.stat()).size;
      if (size < 8) throw new CheckpointError(path, `file is ${size} bytes, too short for a safetensors header`);
      const lenBuf = await readExactly(fh, path, 0, 8, 'header length');
      const len = new DataView(lenBuf.buffer).getBigUint64(0, true);
      if (len > BigInt(Math.min(MAX_HEADER_BYTES, size - 8))) {
        throw new CheckpointError(
          path,
          `header length ${len} exceeds the file size (${size} bytes) or the ${MAX_HEADER_BYTES}-byte limit`,
        );
      }
      const head = await readExactly(fh, path, 8, Number(len), 'header');
      return new SafetensorsFile(path, fh, parseHeader(path, head, size), size);
    } catch (e) {
      await fh.close();
      throw e;
    }
  }

  get metadata(): Readonly<Record<string, string>> {
    return this.header.metadata;
  }

  keys(): string[] {
    return [...this.header.entries.keys()];
  }

  has(name: string): boolean {
    return this.header.entries.has(name);
  }

  entry(name: string): TensorEntry {
    const e = this.header.entries.get(name);
    if (!e) throw new CheckpointError(this.path, `no tensor named '${name}'`);
    return e;
  }

  info(name: string): TensorInfo {
    const { dtype, shape, byteLength } = this.entry(name);
    return { dtype, shape, byteLength };
  }

  /** Reads one tensor into fresh memory, in its stored dtype. */
  async read(name: string): Promise<HostTensor> {
    const e = this.entry(name);
    const buf = await readExactly(this.#fh, this.path, e.offset, e.byteLength, `tensor '${name}'`);
    return new HostTensor(e.dtype, e.shape, viewBytes(e.dtype, buf));
  }

  async close(): Promise<void> {
    await this.#fh.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/** Reads every tensor of a (small) file. */
export async function readSafetensors(
  path: string,
): Promise<{ metadata: Readonly<Record<string, string>>; tensors: Map<string, HostTensor> }> {
  const f = await SafetensorsFile.open(path);
  try {
    const tensors = new Map<string, HostTensor>();
    for (const k of f.keys()) tensors.set(k, await f.read(k));
    return { metadata: f.metadata, tensors };
  } finally {
    await f.close();
  }
}

/** Serialises tensors (sorted by name, data 8-byte aligned) with optional string metadata. */
export function encodeSafetensors(
  tensors: ReadonlyMap<string, HostTensor> | Readonly<Record<string, HostTensor>>,
  metadata?: Readonly<Record<string, string>>,
): Uint8Array {
  const map = tensors instanceof Map ? tensors : new Map(Object.entries(tensors));
  const names = [...map.keys()].sort();
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length) header.__metadata__ = metadata;
  let off = 0;
  for (const n of names) {
    const t = map.get(n) as HostTensor;
    header[n] = { dtype: ST_NAMES[t.dtype], shape: t.shape, data_offsets: [off, off + t.byteLength] };
    off += t.byteLength;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const head = Buffer.from(json, 'utf8');
  const out = new Uint8Array(8 + head.length + off);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let p = 8 + head.length;
  for (const n of names) {
    const t = map.get(n) as HostTensor;
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.byteLength), p);
    p += t.byteLength;
  }
  return out;
}

/** Writes tensors to `path` as safetensors (see encodeSafetensors). */
export async function writeSafetensors(
  path: string,
  tensors: ReadonlyMap<string, HostTensor> | Readonly<Record<string, HostTensor>>,
  metadata?: Readonly<Record<string, string>>,
): Promise<void> {
  await writeFile(path, encodeSafetensors(tensors, metadata));
}
