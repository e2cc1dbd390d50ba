// Test helper: emits pickle opcodes byte by byte, so tests can build both the
// state dicts torch writes and hostile pickles without Python.

export class PickleWriter {
  readonly #parts: number[] = [];

  raw(...bytes: number[]): this {
    this.#parts.push(...bytes);
    return this;
  }
  op(ch: string): this {
    return this.raw(ch.charCodeAt(0));
  }
  proto(v = 2): this {
    return this.raw(0x80, v);
  }
  global(module: string, name: string): this {
    return this.op('c').raw(...Buffer.from(`${module}\n${name}\n`, 'latin1'));
  }
  str(s: string): this {
    const b = Buffer.from(s, 'utf8');
    const n = Buffer.alloc(4);
    n.writeUInt32LE(b.byteLength);
    return this.op('X').raw(...n, ...b);
  }
  int(v: number): this {
    if (v >= 0 && v < 256) return this.op('K').raw(v);
    const n = Buffer.alloc(4);
    n.writeInt32LE(v);
    return this.op('J').raw(...n);
  }
  mark(): this {
    return this.op('(');
  }
  tuple(): this {
    return this.op('t');
  }
  ints(values: readonly number[]): this {
    this.mark();
    for (const v of values) this.int(v);
    return this.tuple();
  }
  reduce(): this {
    return this.op('R');
  }
  stop(): this {
    return this.op('.');
  }
  bytes(): Uint8Array {
    return Uint8Array.from(this.#parts);
  }
}

export interface TensorSpec {
  readonly name: string;
  /** torch storage class name, e.g. `FloatStorage`. */
  readonly storageType: string;
  readonly key: string;
  readonly numel: number;
  readonly offset: number;
  readonly shape: readonly number[];
  readonly stride: readonly number[];
}

/** An OrderedDict state dict of `_rebuild_tensor_v2` tensors, as torch.save pickles it. */
export function stateDictPickle(tensors: readonly TensorSpec[]): Uint8Array {
  const w = new PickleWriter().proto().global('collections', 'OrderedDict').op(')').reduce().mark();
  for (const t of tensors) {
    w.str(t.name).global('torch._utils', '_rebuild_tensor_v2').mark();
    w.mark().str('storage').global('torch', t.storageType).str(t.key).str('cpu').int(t.numel).tuple().op('Q');
    w.int(t.offset).ints(t.shape).ints(t.stride).raw(0x89);
    w.global('collections', 'OrderedDict').op(')').reduce();
    w.tuple().reduce();
  }
  return w.op('u').stop().bytes();
}
