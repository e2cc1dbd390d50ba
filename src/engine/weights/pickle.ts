// A restricted unpickler. It understands the opcodes that Python's pickle
// protocols 2-4 emit for plain data (what torch.save writes), resolves every
// GLOBAL through a caller-supplied allowlist and refuses anything else by
// name, before any call could happen. The only code it ever runs is the
// JavaScript functions the allowlist hands back, so a malicious pickle can at
// worst produce an error, never an effect.
import { CheckpointError } from '../errors.js';

/** A host object produced by an allowlisted callable (a tensor, a storage, ...). */
export interface PyObject {
  readonly pyClass: string;
}

/** A Python tuple (immutable, distinguished from lists). */
export class PyTuple {
  readonly items: readonly PyValue[];
  constructor(items: readonly PyValue[]) {
    this.items = items;
  }
}

/** Keys a restricted dict may hold: tensor state dicts only use strings. */
export type PyKey = string | number | bigint | boolean | null;

/** A Python dict (insertion ordered, like Python's); `state` holds what BUILD set (e.g. `_metadata`). */
export class PyDict {
  readonly items = new Map<PyKey, PyValue>();
  state: PyValue | undefined = undefined;
}

/** A global the allowlist resolved; `call` is present only for globals that may be called. */
export class PyGlobal implements PyObject {
  readonly pyClass = 'global';
  readonly module: string;
  readonly name: string;
  readonly call: ((args: readonly PyValue[]) => PyValue) | undefined;
  constructor(module: string, name: string, call?: (args: readonly PyValue[]) => PyValue) {
    this.module = module;
    this.name = name;
    this.call = call;
  }
  get qualifiedName(): string {
    return `${this.module}.${this.name}`;
  }
}

export type PyValue = null | boolean | number | bigint | string | Uint8Array | PyTuple | PyValue[] | PyDict | PyObject;

/** What the unpickler may resolve and call; everything else is refused. */
export interface UnpickleOptions {
  /** File (and entry) named in error messages. */
  readonly file: string;
  readonly entry?: string;
  /** Resolves `module.name`; `undefined` refuses it. */
  readonly resolveGlobal: (module: string, name: string) => PyGlobal | undefined;
  /** Handles BINPERSID / PERSID; without it persistent ids are refused. */
  readonly persistentLoad?: (pid: PyValue) => PyValue;
}

const OP_NAMES: Readonly<Record<number, string>> = {
  105: 'INST',
  111: 'OBJ',
  130: 'EXT1',
  131: 'EXT2',
  132: 'EXT4',
  146: 'NEWOBJ_EX',
  70: 'FLOAT',
  76: 'LONG',
  83: 'STRING',
  86: 'UNICODE',
  143: 'EMPTY_SET',
  144: 'ADDITEMS',
  145: 'FROZENSET',
  150: 'BYTEARRAY8',
  151: 'NEXT_BUFFER',
  152: 'READONLY_BUFFER',
};

/** Describes a value for error messages. */
export function pyTypeName(v: PyValue | undefined): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'None';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'string') return 'str';
  if (v instanceof Uint8Array) return 'bytes';
  if (v instanceof PyTuple) return 'tuple';
  if (Array.isArray(v)) return 'list';
  if (v instanceof PyDict) return 'dict';
  if (v instanceof PyGlobal) return `global '${v.qualifiedName}'`;
  return v.pyClass;
}

/**
 * Decodes a pickle. Throws CheckpointError on any malformed input, unknown
 * opcode or global outside the allowlist. Runs in time linear in the input.
 */
export function unpickle(data: Uint8Array, opts: UnpickleOptions): PyValue {
  const where = opts.entry ? `${opts.entry}: ` : '';
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const latin1 = new TextDecoder('latin1');
  const stack: PyValue[] = [];
  const marks: number[] = [];
  const memo = new Map<number, PyValue>();
  let pos = 0;
  let opAt = 0;

  const fail: (msg: string) => never = (msg) => {
    throw new CheckpointError(opts.file, `${where}${msg} (pickle byte ${opAt})`);
  };
  // Items below the innermost MARK belong to an enclosing frame (Python keeps them on a separate stack).
  const floor = () => (marks.length ? marks[marks.length - 1] : 0);
  const need = (n: number): number => {
    if (n < 0 || pos + n > data.byteLength) fail(`pickle truncated: needs ${n} more bytes at byte ${pos}`);
    const at = pos;
    pos += n;
    return at;
  };
  const u8 = () => data[need(1)];
  const u16 = () => view.getUint16(need(2), true);
  const u32 = () => view.getUint32(need(4), true);
  const i32 = () => view.getInt32(need(4), true);
  const u64 = () => {
    const x = view.getBigUint64(need(8), true);
    if (x > BigInt(data.byteLength)) fail(`pickle length ${x} exceeds the data`);
    return Number(x);
  };
  const bytes = (n: number) => data.subarray(need(n), pos);
  const text = (n: number) => {
    const raw = bytes(n);
    try {
      return utf8.decode(raw);
    } catch {
      return fail('pickle string is not valid UTF-8');
    }
  };
  const line = (): string => {
    const start = pos;
    const nl = data.indexOf(0x0a, pos);
    if (nl < 0) fail('pickle truncated: unterminated line');
    pos = nl + 1;
    return latin1.decode(data.subarray(start, nl));
  };
  const pop = (): PyValue => {
    if (stack.length <= floor()) fail('pickle stack underflow');
    return stack.pop() as PyValue;
  };
  const top = (): PyValue => {
    if (stack.length <= floor()) fail('pickle stack underflow');
    return stack[stack.length - 1];
  };
  const popMark = (): PyValue[] => {
    const m = marks.pop();
    if (m === undefined) fail('pickle MARK missing');
    return stack.splice(m);
  };
  const memoGet = (i: number): PyValue => {
    const v = memo.get(i);
    if (v === undefined) return fail(`pickle memo ${i} is not set`);
    return v;
  };
  const longLE = (b: Uint8Array): number | bigint => {
    let x = 0n;
    for (let i = b.length - 1; i >= 0; i--) x = (x << 8n) | BigInt(b[i]);
    if (b.length > 0 && b[b.length - 1] & 0x80) x -= 1n << BigInt(8 * b.length);
    return x >= BigInt(Number.MIN_SAFE_INTEGER) && x <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(x) : x;
  };
  const key = (k: PyValue): PyKey => {
    if (k === null || ['string', 'number', 'bigint', 'boolean'].includes(typeof k)) return k as PyKey;
    return fail(`unsupported dict key of type ${pyTypeName(k)}`);
  };
  const setItems = (target: PyValue, kv: readonly PyValue[]) => {
    if (!(target instanceof PyDict)) return fail(`SETITEM on ${pyTypeName(target)}, expected a dict`);
    if (kv.length % 2) fail('SETITEMS with an odd number of items');
    for (let i = 0; i < kv.length; i += 2) target.items.set(key(kv[i]), kv[i + 1]);
  };
  const append = (target: PyValue, items: readonly PyValue[]) => {
    if (!Array.isArray(target)) return fail(`APPEND on ${pyTypeName(target)}, expected a list`);
    for (const it of items) target.push(it);
  };
  const resolve = (module: string, name: string): PyGlobal => {
    const g = opts.resolveGlobal(module, name);
    if (!g) return fail(`forbidden pickle global '${module}.${name}' (only tensor-rebuilding globals are allowed)`);
    return g;
  };
  const call = (fn: PyValue, args: PyValue, op: string): PyValue => {
    if (!(fn instanceof PyGlobal) || !fn.call)
      return fail(`pickle ${op} calls ${pyTypeName(fn)}, which is not callable`);
    if (!(args instanceof PyTuple)) return fail(`pickle ${op} arguments are a ${pyTypeName(args)}, expected a tuple`);
    return fn.call(args.items);
  };

  for (;;) {
    opAt = pos;
    const op = u8();
    switch (op) {
      case 0x80: // PROTO
        if (u8() > 5) fail('unsupported pickle protocol');
        break;
      case 0x95: // FRAME
        u64();
        break;
      case 0x2e: // STOP
        return pop();
      case 0x28: // MARK
        marks.push(stack.length);
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push(new PyTuple([]));
        break;
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x7d: // EMPTY_DICT
        stack.push(new PyDict());
        break;
      case 0x74: // TUPLE
        stack.push(new PyTuple(popMark()));
        break;
      case 0x85: // TUPLE1
        stack.push(new PyTuple([pop()]));
        break;
      case 0x86: {
        // TUPLE2
        const b = pop();
        stack.push(new PyTuple([pop(), b]));
        break;
      }
      case 0x87: {
        // TUPLE3
        const c = pop();
        const b = pop();
        stack.push(new PyTuple([pop(), b, c]));
        break;
      }
      case 0x6c: // LIST
        stack.push(popMark());
        break;
      case 0x64: {
        // DICT
        const d = new PyDict();
        setItems(d, popMark());
        stack.push(d);
        break;
      }
      case 0x61: {
        // APPEND
        const v = pop();
        append(top(), [v]);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        append(top(), items);
        break;
      }
      case 0x73: {
        // SETITEM
        const v = pop();
        const k = pop();
        setItems(top(), [k, v]);
        break;
      }
      case 0x75: {
        // SETITEMS
        const kv = popMark();
        setItems(top(), kv);
        break;
      }
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x4a: // BININT
        stack.push(i32());
        break;
      case 0x4b: // BININT1
        stack.push(u8());
        break;
      case 0x4d: // BININT2
        stack.push(u16());
        break;
      case 0x8a: // LONG1
        stack.push(longLE(bytes(u8())));
        break;
      case 0x8b: {
        // LONG4
        const n = i32();
        if (n < 0) fail('negative LONG4 length');
        stack.push(longLE(bytes(n)));
        break;
      }
      case 0x49: {
        // INT (text): protocol 0, also how True/False were once spelled
        const s = line();
        if (s === '01' || s === '00') stack.push(s === '01');
        else if (/^-?\d+$/.test(s)) stack.push(Number(s));
        else fail(`bad INT literal '${s}'`);
        break;
      }
      case 0x47: // BINFLOAT (big-endian)
        stack.push(view.getFloat64(need(8), false));
        break;
      case 0x58: // BINUNICODE
        stack.push(text(u32()));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(text(u8()));
        break;
      case 0x8d: // BINUNICODE8
        stack.push(text(u64()));
        break;
      case 0x54: {
        // BINSTRING (Python 2 str)
        const n = i32();
        if (n < 0) fail('negative BINSTRING length');
        stack.push(latin1.decode(bytes(n)));
        break;
      }
      case 0x55: // SHORT_BINSTRING
        stack.push(latin1.decode(bytes(u8())));
        break;
      case 0x42: // BINBYTES
        stack.push(bytes(u32()).slice());
        break;
      case 0x43: // SHORT_BINBYTES
        stack.push(bytes(u8()).slice());
        break;
      case 0x8e: // BINBYTES8
        stack.push(bytes(u64()).slice());
        break;
      case 0x71: // BINPUT
        memo.set(u8(), top());
        break;
      case 0x72: // LONG_BINPUT
        memo.set(u32(), top());
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x70: {
        // PUT (text)
        const s = line();
        if (!/^\d+$/.test(s)) fail(`bad PUT index '${s}'`);
        memo.set(Number(s), top());
        break;
      }
      case 0x68: // BINGET
        stack.push(memoGet(u8()));
        break;
      case 0x6a: // LONG_BINGET
        stack.push(memoGet(u32()));
        break;
      case 0x67: {
        // GET (text)
        const s = line();
        if (!/^\d+$/.test(s)) fail(`bad GET index '${s}'`);
        stack.push(memoGet(Number(s)));
        break;
      }
      case 0x63: {
        // GLOBAL: "module\nname\n"
        const module = line();
        stack.push(resolve(module, line()));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') fail('STACK_GLOBAL needs two strings');
        stack.push(resolve(module, name));
        break;
      }
      case 0x52: {
        // REDUCE
        const args = pop();
        stack.push(call(pop(), args, 'REDUCE'));
        break;
      }
      case 0x81: {
        // NEWOBJ: cls.__new__(cls, *args); only allowlisted constructors
        const args = pop();
        stack.push(call(pop(), args, 'NEWOBJ'));
        break;
      }
      case 0x62: {
        // BUILD: only dicts accept state (torch puts `_metadata` there)
        const state = pop();
        const obj = top();
        if (!(obj instanceof PyDict)) fail(`BUILD on ${pyTypeName(obj)} is not supported`);
        obj.state = state;
        break;
      }
      case 0x51: {
        // BINPERSID
        const pid = pop();
        if (!opts.persistentLoad) fail('persistent ids are not allowed here');
        stack.push(opts.persistentLoad(pid));
        break;
      }
      case 0x50: {
        // PERSID (text)
        const pid = line();
        if (!opts.persistentLoad) fail('persistent ids are not allowed here');
        stack.push(opts.persistentLoad(pid));
        break;
      }
      case 0x30: // POP
        if (marks.length && stack.length === floor()) marks.pop();
        else pop();
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        stack.push(top());
        break;
      default: {
        const name = OP_NAMES[op] ?? (op >= 0x20 && op < 0x7f ? `'${String.fromCharCode(op)}'` : 'unknown');
        fail(`unsupported pickle opcode 0x${op.toString(16).padStart(2, '0')} (${name})`);
      }
    }
  }
}
