// PyTorch checkpoints as torch.save writes them since 1.6 (also HF
// `pytorch_model.bin`): a zip with `<archive>/data.pkl` (a pickle of the
// state dict whose tensors point at storages by key) and one raw entry
// `<archive>/data/<key>` per storage. The pickle goes through the restricted
// unpickler; tensor bytes are read lazily, per tensor, from their offsets.
import { DTYPE_BYTES, type DType } from '../dtype.js';
import { CheckpointError } from '../errors.js';
import { HostTensor, numel, shapeText, viewBytes } from '../host-tensor.js';
import { openForRead } from './file-io.js';
import { PyDict, PyTuple, type PyValue, pyTypeName, unpickle } from './pickle.js';
import { gatherStrided, isContiguous, stridedExtent, swapBytes } from './strided.js';
import type { TensorInfo, TensorSource } from './tensor-source.js';
import { type StorageRef, TensorRef, torchUnpicklerHooks } from './torch-pickle.js';
import { ZipArchive, type ZipEntry } from './zip.js';

/** data.pkl larger than this is refused: it holds names and shapes, never tensor data. */
const MAX_PICKLE_BYTES = 512 * 1024 * 1024;

/** One tensor of a .pth file: where its view lives in which storage. */
export interface PthTensorEntry extends TensorInfo {
  readonly name: string;
  readonly stride: readonly number[];
  /** In elements. */
  readonly storageOffset: number;
  readonly storage: StorageRef;
  readonly zipEntry: ZipEntry;
}

/**
 * An open torch.save zip checkpoint. Nested containers are flattened with
 * dots: `{'model': {'w': t}}` → `model.w`, lists by index (`params.0`);
 * non-tensor values (epoch numbers, strings, ...) are skipped.
 */
export class PthFile implements TensorSource {
  readonly path: string;
  readonly format = 'pytorch' as const;
  /** The archive's top folder (`archive`, or the file stem for older torch). */
  readonly archiveName: string;
  readonly byteOrder: 'little' | 'big';
  readonly entries: ReadonlyMap<string, PthTensorEntry>;
  #zip: ZipArchive;

  private constructor(
    path: string,
    zip: ZipArchive,
    archiveName: string,
    byteOrder: 'little' | 'big',
    entries: ReadonlyMap<string, PthTensorEntry>,
  ) {
    this.path = path;
    this.#zip = zip;
    this.archiveName = archiveName;
    this.byteOrder = byteOrder;
    this.entries = entries;
  }

  /** Opens `path`, reads and checks its pickle and storage table; reads no tensor data. */
  static async open(path: string): Promise<PthFile> {
    const zip = await ZipArchive.open(path).catch(async (e: unknown) => {
      throw (await startsLikePickle(path)) ? legacyError(path, e) : e;
    });
    try {
      const pkls = [...zip.entries.keys()].filter((n) => /^[^/]+\/data\.pkl$/.test(n));
      if (pkls.length !== 1) {
        throw new CheckpointError(
          path,
          pkls.length
            ? `zip has ${pkls.length} data.pkl entries (${pkls.join(', ')}), expected one`
            : 'zip has no <archive>/data.pkl entry: not a torch.save checkpoint',
        );
      }
      const pklName = pkls[0];
      const prefix = pklName.slice(0, -'data.pkl'.length);
      const pkl = zip.entry(pklName);
      if (pkl.size > MAX_PICKLE_BYTES) {
        throw new CheckpointError(path, `${pklName} is ${pkl.size} bytes, over the ${MAX_PICKLE_BYTES}-byte limit`);
      }
      const byteOrder = await readByteOrder(zip, prefix);
      const root = unpickle(await zip.read(pkl), { file: path, entry: pklName, ...torchUnpicklerHooks(path) });
      const refs = flattenTensors(path, root);
      const entries = new Map<string, PthTensorEntry>();
      for (const [name, ref] of refs) entries.set(name, describe(path, zip, prefix, name, ref));
      return new PthFile(path, zip, prefix.slice(0, -1), byteOrder, entries);
    } catch (e) {
      await zip.close();
      throw e;
    }
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  entry(key: string): PthTensorEntry {
    const e = this.entries.get(key);
    if (!e) throw new CheckpointError(this.path, `no tensor named '${key}'`);
    return e;
  }

  info(key: string): TensorInfo {
    const { dtype, shape, byteLength } = this.entry(key);
    return { dtype, shape, byteLength };
  }

  /** Reads one tensor (only the bytes its view spans) and makes it dense. */
  async read(key: string): Promise<HostTensor> {
    const e = this.entry(key);
    const size = DTYPE_BYTES[e.dtype];
    const extent = stridedExtent(e.shape, e.stride);
    let bytes =
      extent === 0 ? new Uint8Array(0) : await this.#zip.readRange(e.zipEntry, e.storageOffset * size, extent * size);
    if (this.byteOrder === 'big') swapBytes(bytes, size);
    if (extent !== 0 && !isContiguous(e.shape, e.stride)) {
      try {
        bytes = gatherStrided(bytes, size, e.shape, e.stride);
      } catch (err) {
        throw new CheckpointError(
          this.path,
          `tensor '${key}': ${e.dtype} ${shapeText(e.shape)} (${e.byteLength} bytes) cannot be allocated (${(err as Error).message})`,
          { cause: err },
        );
      }
    }
    return new HostTensor(e.dtype, e.shape, viewBytes(e.dtype, bytes));
  }

  async close(): Promise<void> {
    await this.#zip.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/** Pre-1.6 torch.save files are a bare pickle stream (protocol 2 starts with 0x80 0x02). */
async function startsLikePickle(path: string): Promise<boolean> {
  const fh = await openForRead(path);
  try {
    const head = new Uint8Array(2);
    await fh.read(head, 0, 2, 0);
    return head[0] === 0x80 && head[1] >= 2 && head[1] <= 5;
  } finally {
    await fh.close();
  }
}

function legacyError(path: string, cause: unknown): CheckpointError {
  return new CheckpointError(
    path,
    'not a zip archive: legacy (pre-1.6) torch.save files are not supported; re-save with a current PyTorch or convert to safetensors',
    { cause },
  );
}

async function readByteOrder(zip: ZipArchive, prefix: string): Promise<'little' | 'big'> {
  const entry = zip.entries.get(`${prefix}byteorder`);
  if (!entry) return 'little'; // written only since torch 2.1; older files are little-endian
  if (entry.size > 16) throw new CheckpointError(zip.path, `${entry.name} is ${entry.size} bytes`);
  const text = new TextDecoder().decode(await zip.read(entry)).trim();
  if (text !== 'little' && text !== 'big') {
    throw new CheckpointError(zip.path, `${entry.name} says '${text}', expected 'little' or 'big'`);
  }
  return text;
}

/** Walks dicts/lists/tuples, collecting tensors under dotted names. */
function flattenTensors(file: string, root: PyValue): Map<string, TensorRef> {
  if (!(root instanceof PyDict) && !(root instanceof PyTuple) && !Array.isArray(root)) {
    throw new CheckpointError(file, `the pickle holds a ${pyTypeName(root)}, expected a dict of tensors`);
  }
  const out = new Map<string, TensorRef>();
  const active = new Set<PyValue>();
  const visit = (v: PyValue, name: string) => {
    if (v instanceof TensorRef) {
      if (out.has(name)) throw new CheckpointError(file, `two tensors flatten to the name '${name}'`);
      out.set(name, v);
      return;
    }
    let children: [string, PyValue][];
    if (v instanceof PyDict) {
      children = [];
      for (const [k, c] of v.items) {
        if (typeof k === 'string' || typeof k === 'number' || typeof k === 'bigint') children.push([String(k), c]);
      }
    } else if (v instanceof PyTuple || Array.isArray(v)) {
      const items = v instanceof PyTuple ? v.items : v;
      children = items.map((c, i) => [String(i), c]);
    } else {
      return;
    }
    if (active.has(v)) throw new CheckpointError(file, `the pickle contains a reference cycle at '${name}'`);
    active.add(v);
    for (const [k, c] of children) visit(c, name ? `${name}.${k}` : k);
    active.delete(v);
  };
  visit(root, '');
  return out;
}

/** Checks a tensor's view against its storage entry and describes it. */
function describe(file: string, zip: ZipArchive, prefix: string, name: string, ref: TensorRef): PthTensorEntry {
  const { storage, shape, stride, storageOffset } = ref;
  const size = DTYPE_BYTES[storage.dtype];
  const entryName = `${prefix}data/${storage.key}`;
  const zipEntry = zip.entries.get(entryName);
  if (!zipEntry) {
    throw new CheckpointError(
      file,
      `tensor '${name}': its storage '${storage.key}' (zip entry ${entryName}) is missing`,
    );
  }
  if (zipEntry.size < storage.numel * size) {
    throw new CheckpointError(
      file,
      `tensor '${name}': storage '${storage.key}' holds ${zipEntry.size} bytes, the pickle declares ${storage.numel} ${storage.dtype} elements (${storage.numel * size} bytes; truncated?)`,
    );
  }
  if (!Number.isSafeInteger(numel(shape) * size)) {
    throw new CheckpointError(file, `tensor '${name}': shape ${shapeText(shape)} is too large`);
  }
  const extent = stridedExtent(shape, stride);
  if (extent > 0 && storageOffset + extent > storage.numel) {
    throw new CheckpointError(
      file,
      `tensor '${name}': view ${shapeText(shape)} stride ${shapeText(stride)} at offset ${storageOffset} needs ${storageOffset + extent} elements, storage '${storage.key}' has ${storage.numel}`,
    );
  }
  const dtype: DType = storage.dtype;
  return {
    name,
    dtype,
    shape,
    stride,
    storageOffset,
    storage,
    zipEntry,
    byteLength: numel(shape) * size,
  };
}
