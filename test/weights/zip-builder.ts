// Test helper: writes zip archives the way torch.save does (STORED entries,
// optionally DEFLATE), with an option to force ZIP64 records everywhere so
// the reader's ZIP64 path is exercised without multi-GB files.
import { crc32, deflateRawSync } from 'node:zlib';

export interface ZipInput {
  readonly name: string;
  readonly data: Uint8Array;
  readonly deflate?: boolean;
}

export interface ZipOptions {
  /** Write ZIP64 extra fields, a ZIP64 end record and saturated 32-bit fields. */
  readonly zip64?: boolean;
  readonly comment?: string;
  /** Leading bytes before the first entry (offsets stay absolute). */
  readonly prefix?: Uint8Array;
}

class Bytes {
  readonly parts: Uint8Array[] = [];
  length = 0;
  push(b: Uint8Array): void {
    this.parts.push(b);
    this.length += b.byteLength;
  }
  concat(): Uint8Array {
    return Buffer.concat(this.parts);
  }
}

function le(size: number, value: number | bigint): Uint8Array {
  const b = Buffer.alloc(size);
  if (size === 2) b.writeUInt16LE(Number(value));
  else if (size === 4) b.writeUInt32LE(Number(value));
  else b.writeBigUInt64LE(BigInt(value));
  return b;
}

function cat(...parts: Uint8Array[]): Uint8Array {
  return Buffer.concat(parts);
}

/** Builds a zip archive in memory. */
export function buildZip(inputs: readonly ZipInput[], opts: ZipOptions = {}): Uint8Array {
  const out = new Bytes();
  if (opts.prefix) out.push(opts.prefix);
  const central = new Bytes();
  const z64 = opts.zip64 ?? false;
  for (const input of inputs) {
    const name = Buffer.from(input.name, 'utf8');
    const body = input.deflate ? deflateRawSync(input.data) : input.data;
    const method = input.deflate ? 8 : 0;
    const crc = crc32(input.data);
    const offset = out.length;
    const sat = (v: number) => (z64 ? 0xffffffff : v);
    const localExtra = z64 ? cat(le(2, 1), le(2, 16), le(8, input.data.byteLength), le(8, body.byteLength)) : cat();
    out.push(
      cat(
        le(4, 0x04034b50),
        le(2, z64 ? 45 : 20),
        le(2, 0x800),
        le(2, method),
        le(2, 0),
        le(2, 0),
        le(4, crc),
        le(4, sat(body.byteLength)),
        le(4, sat(input.data.byteLength)),
        le(2, name.byteLength),
        le(2, localExtra.byteLength),
        name,
        localExtra,
      ),
    );
    out.push(body);
    const cdExtra = z64
      ? cat(le(2, 1), le(2, 24), le(8, input.data.byteLength), le(8, body.byteLength), le(8, offset))
      : cat();
    central.push(
      cat(
        le(4, 0x02014b50),
        le(2, z64 ? 45 : 20),
        le(2, z64 ? 45 : 20),
        le(2, 0x800),
        le(2, method),
        le(2, 0),
        le(2, 0),
        le(4, crc),
        le(4, sat(body.byteLength)),
        le(4, sat(input.data.byteLength)),
        le(2, name.byteLength),
        le(2, cdExtra.byteLength),
        le(2, 0),
        le(2, 0),
        le(2, 0),
        le(4, 0),
        le(4, sat(offset)),
        name,
        cdExtra,
      ),
    );
  }
  const cdOffset = out.length;
  const cd = central.concat();
  out.push(cd);
  const comment = Buffer.from(opts.comment ?? '', 'utf8');
  if (z64) {
    const eocd64Offset = out.length;
    out.push(
      cat(
        le(4, 0x06064b50),
        le(8, 44),
        le(2, 45),
        le(2, 45),
        le(4, 0),
        le(4, 0),
        le(8, inputs.length),
        le(8, inputs.length),
        le(8, cd.byteLength),
        le(8, cdOffset),
      ),
    );
    out.push(cat(le(4, 0x07064b50), le(4, 0), le(8, eocd64Offset), le(4, 1)));
  }
  out.push(
    cat(
      le(4, 0x06054b50),
      le(2, 0),
      le(2, 0),
      le(2, z64 ? 0xffff : inputs.length),
      le(2, z64 ? 0xffff : inputs.length),
      le(4, z64 ? 0xffffffff : cd.byteLength),
      le(4, z64 ? 0xffffffff : cdOffset),
      le(2, comment.byteLength),
      comment,
    ),
  );
  return out.concat();
}
