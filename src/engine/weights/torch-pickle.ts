// The torch.save vocabulary for the restricted unpickler: the exact globals a
// tensor state dict needs, the persistent ids that name storages, and the
// rebuild functions. Anything else (os.system, builtins.eval,
// torch.storage._load_from_bytes, ...) is refused by name.
import type { DType } from '../dtype.js';
import { CheckpointError } from '../errors.js';
import { PyDict, PyGlobal, type PyObject, PyTuple, type PyValue, pyTypeName } from './pickle.js';

/** Storage classes torch writes in persistent ids, and their element types. */
export const TORCH_STORAGE_DTYPES: Readonly<Record<string, DType>> = {
  FloatStorage: 'float32',
  HalfStorage: 'float16',
  BFloat16Storage: 'bfloat16',
  DoubleStorage: 'float64',
  LongStorage: 'int64',
  IntStorage: 'int32',
  ShortStorage: 'int16',
  CharStorage: 'int8',
  ByteStorage: 'uint8',
  BoolStorage: 'bool',
};

/** A storage named by a persistent id: raw bytes in `<archive>/data/<key>`. */
export class StorageRef implements PyObject {
  readonly pyClass = 'storage';
  readonly key: string;
  readonly dtype: DType;
  /** Element count declared by the pickle. */
  readonly numel: number;
  constructor(key: string, dtype: DType, numel: number) {
    this.key = key;
    this.dtype = dtype;
    this.numel = numel;
  }
}

/** A tensor as `_rebuild_tensor_v2` describes it: a strided view into a storage. */
export class TensorRef implements PyObject {
  readonly pyClass = 'tensor';
  readonly storage: StorageRef;
  /** In elements. */
  readonly storageOffset: number;
  readonly shape: readonly number[];
  readonly stride: readonly number[];
  constructor(storage: StorageRef, storageOffset: number, shape: readonly number[], stride: readonly number[]) {
    this.storage = storage;
    this.storageOffset = storageOffset;
    this.shape = shape;
    this.stride = stride;
  }
}

/**
 * The allowlist and persistent-id handler for one torch pickle. Storage refs
 * are shared per key, so tensors viewing one storage point at the same ref.
 */
export function torchUnpicklerHooks(file: string): {
  resolveGlobal: (module: string, name: string) => PyGlobal | undefined;
  persistentLoad: (pid: PyValue) => PyValue;
} {
  const storages = new Map<string, StorageRef>();
  const bad: (msg: string) => never = (msg) => {
    throw new CheckpointError(file, msg);
  };
  const int = (v: PyValue, what: string): number => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
      return bad(`${what} must be a non-negative integer, found ${pyTypeName(v)} ${String(v)}`);
    }
    return v;
  };
  const ints = (v: PyValue, what: string): number[] => {
    if (!(v instanceof PyTuple)) return bad(`${what} must be a tuple, found ${pyTypeName(v)}`);
    return v.items.map((x, i) => int(x, `${what}[${i}]`));
  };

  const orderedDict = (args: readonly PyValue[]): PyValue => {
    if (args.length !== 0) bad(`collections.OrderedDict called with ${args.length} arguments, expected none`);
    return new PyDict();
  };
  const rebuildTensor = (args: readonly PyValue[]): PyValue => {
    // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
    if (args.length < 4 || args.length > 7) bad(`_rebuild_tensor_v2 called with ${args.length} arguments`);
    const storage = args[0];
    if (!(storage instanceof StorageRef)) return bad(`_rebuild_tensor_v2 storage is a ${pyTypeName(storage)}`);
    const shape = ints(args[2], 'tensor size');
    const stride = ints(args[3], 'tensor stride');
    if (shape.length !== stride.length) bad(`tensor size ${shape} and stride ${stride} differ in rank`);
    return new TensorRef(storage, int(args[1], 'storage offset'), shape, stride);
  };
  const rebuildParameter = (args: readonly PyValue[]): PyValue => {
    // (data, requires_grad, backward_hooks): a Parameter is just its data here
    if (args.length !== 3 || !(args[0] instanceof TensorRef)) bad('_rebuild_parameter expects (tensor, bool, hooks)');
    return args[0];
  };

  const resolveGlobal = (module: string, name: string): PyGlobal | undefined => {
    if (module === 'collections' && name === 'OrderedDict') return new PyGlobal(module, name, orderedDict);
    if (module === 'torch._utils' && name === '_rebuild_tensor_v2') return new PyGlobal(module, name, rebuildTensor);
    if (module === 'torch._utils' && name === '_rebuild_parameter') return new PyGlobal(module, name, rebuildParameter);
    if (module === 'torch' && Object.hasOwn(TORCH_STORAGE_DTYPES, name)) return new PyGlobal(module, name);
    if (module === 'torch' && /^\w+Storage$/.test(name)) {
      // A real torch dtype we cannot hold (float8, complex, quantized, untyped): say so rather than "forbidden".
      bad(`unsupported storage type 'torch.${name}' (supported: ${Object.keys(TORCH_STORAGE_DTYPES).join(', ')})`);
    }
    return undefined;
  };

  const persistentLoad = (pid: PyValue): PyValue => {
    // ('storage', storage_type, key, location, numel)
    if (!(pid instanceof PyTuple) || pid.items.length !== 5 || pid.items[0] !== 'storage') {
      return bad(`unsupported persistent id ${pyTypeName(pid)} (expected ('storage', type, key, location, numel))`);
    }
    const [, type, key, location, numel] = pid.items;
    if (!(type instanceof PyGlobal) || type.module !== 'torch' || !Object.hasOwn(TORCH_STORAGE_DTYPES, type.name)) {
      return bad(`persistent id names storage type ${pyTypeName(type)}`);
    }
    if (typeof key !== 'string' || !/^[\w.-]+$/.test(key)) return bad(`storage key ${String(key)} is not a plain name`);
    if (typeof location !== 'string') bad(`storage '${key}' location is a ${pyTypeName(location)}`);
    const dtype = TORCH_STORAGE_DTYPES[type.name];
    const n = int(numel, `storage '${key}' numel`);
    const seen = storages.get(key);
    if (seen) {
      if (seen.dtype !== dtype || seen.numel !== n) {
        bad(`storage '${key}' is referenced as ${seen.dtype}[${seen.numel}] and as ${dtype}[${n}]`);
      }
      return seen;
    }
    const ref = new StorageRef(key, dtype, n);
    storages.set(key, ref);
    return ref;
  };

  return { resolveGlobal, persistentLoad };
}
