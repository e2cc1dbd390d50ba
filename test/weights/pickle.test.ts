import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CheckpointError } from '../../src/engine/errors.js';
import { PyDict, PyGlobal, type PyTuple, type PyValue, unpickle } from '../../src/engine/weights/pickle.js';
import { PickleWriter } from './pickle-builder.js';

const none = () => undefined;
const load = (bytes: Uint8Array, resolveGlobal: (m: string, n: string) => PyGlobal | undefined = none) =>
  unpickle(bytes, { file: 'test.pkl', resolveGlobal });

function fails(bytes: Uint8Array, problem: RegExp): void {
  assert.throws(
    () => load(bytes),
    (e: unknown) => e instanceof CheckpointError && e.message.startsWith('test.pkl: ') && problem.test(e.message),
  );
}

describe('restricted unpickler', () => {
  it('decodes the plain-data opcodes of protocols 2-4', () => {
    const w = new PickleWriter().proto(4).raw(0x95, 0, 0, 0, 0, 0, 0, 0, 0); // FRAME
    w.op('}').raw(0x94); // EMPTY_DICT, MEMOIZE
    w.mark();
    w.raw(0x8c, 1, 0x61).raw(0x8a, 2, 0x00, 0x80); // 'a': LONG1 -32768
    w.raw(0x8c, 1, 0x62).raw(0x8a, 9, 0, 0, 0, 0, 0, 0, 0, 0x80, 0); // 'b': 2^63
    w.raw(0x8c, 1, 0x63).op('G').raw(0x3f, 0xf8, 0, 0, 0, 0, 0, 0); // 'c': 1.5
    w.raw(0x8c, 1, 0x64).op('C').raw(2, 9, 8); // 'd': b'\x09\x08'
    w.raw(0x8c, 1, 0x65).op(']').int(1).int(300).int(-5).op('e'); // no MARK before APPENDS: intentionally MARKed below
    w.op('u').stop();
    // The list above lacks a MARK for APPENDS, so it must fail cleanly...
    fails(w.bytes(), /MARK|underflow|APPEND/);
    // ...and the well-formed version decodes.
    const ok = new PickleWriter().proto(4).op('}').raw(0x94).mark();
    ok.raw(0x8c, 1, 0x61).raw(0x8a, 2, 0x00, 0x80);
    ok.raw(0x8c, 1, 0x62).raw(0x8a, 9, 0, 0, 0, 0, 0, 0, 0, 0x80, 0);
    ok.raw(0x8c, 1, 0x63).op('G').raw(0x3f, 0xf8, 0, 0, 0, 0, 0, 0);
    ok.raw(0x8c, 1, 0x64).op('C').raw(2, 9, 8);
    ok.raw(0x8c, 1, 0x65).op(']').mark().int(1).int(300).int(-5).op('e');
    ok.raw(0x8c, 1, 0x66).op('N').raw(0x88).raw(0x89).raw(0x87); // (None, True, False)
    ok.raw(0x8c, 1, 0x67).op('h').raw(0); // memo 0: the dict itself
    ok.op('u').stop();
    const d = load(ok.bytes());
    assert.ok(d instanceof PyDict);
    assert.equal(d.items.get('a'), -32768);
    assert.equal(d.items.get('b'), 2n ** 63n);
    assert.equal(d.items.get('c'), 1.5);
    assert.deepEqual(d.items.get('d'), Uint8Array.from([9, 8]));
    assert.deepEqual(d.items.get('e'), [1, 300, -5]);
    assert.deepEqual((d.items.get('f') as PyTuple).items, [null, true, false]);
    assert.equal(d.items.get('g'), d);
  });

  it('resolves STACK_GLOBAL through the allowlist and calls only allowlisted functions', () => {
    const calls: PyValue[][] = [];
    const resolve = (m: string, n: string) =>
      m === 'mod' && n === 'fn'
        ? new PyGlobal(m, n, (args) => {
            calls.push([...args]);
            return 'result';
          })
        : undefined;
    const w = new PickleWriter()
      .proto(4)
      .raw(0x8c, 3, ...Buffer.from('mod'))
      .raw(0x8c, 2, ...Buffer.from('fn'));
    w.raw(0x93).int(7).raw(0x85).reduce().stop();
    assert.equal(load(w.bytes(), resolve), 'result');
    assert.deepEqual(calls, [[7]]);
    const bad = new PickleWriter()
      .proto(4)
      .raw(0x8c, 2, ...Buffer.from('os'))
      .raw(0x8c, 6, ...Buffer.from('system'));
    assert.throws(() => load(bad.raw(0x93).stop().bytes(), resolve), /forbidden pickle global 'os\.system'/);
  });

  it('refuses code-running opcodes, persistent ids without a handler and malformed input', () => {
    fails(new PickleWriter().proto().op('i').bytes(), /unsupported pickle opcode 0x69 \(INST\)/);
    fails(new PickleWriter().proto().mark().op('o').bytes(), /unsupported pickle opcode 0x6f \(OBJ\)/);
    fails(new PickleWriter().proto().raw(0x82, 1).bytes(), /EXT1/);
    fails(new PickleWriter().proto().str('x').op('Q').bytes(), /persistent ids are not allowed/);
    fails(new PickleWriter().proto().op('X').raw(0xff, 0xff, 0xff, 0x7f).bytes(), /pickle truncated/);
    fails(new PickleWriter().proto().op('h').raw(3).bytes(), /memo 3 is not set/);
    fails(new PickleWriter().proto().op('t').bytes(), /MARK missing/);
    fails(new PickleWriter().proto().op('R').bytes(), /underflow/);
    fails(new PickleWriter().proto().int(1).bytes(), /truncated/);
    fails(new PickleWriter().proto().op('}').mark().int(1).str('x').op('u').op('s').stop().bytes(), /underflow/);
    fails(
      new PickleWriter().proto().op('}').op(')').int(1).op('s').stop().bytes(),
      /unsupported dict key of type tuple/,
    );
    fails(new PickleWriter().proto().int(3).op(')').op('b').stop().bytes(), /BUILD on int/);
    fails(new PickleWriter().proto(9).bytes(), /unsupported pickle protocol/);
  });

  it('a MARK hides the stack below it, as in Python', () => {
    fails(new PickleWriter().proto().int(1).mark().raw(0x85).bytes(), /underflow/);
    const ok = new PickleWriter().proto().int(1).mark().int(2).op('1').stop().bytes(); // POP_MARK
    assert.equal(load(ok), 1);
  });
});
