// Positional reads that either return every requested byte or fail with a
// CheckpointError naming the file: a short read means the file is truncated
// or changed underneath us, never something to silently zero-fill.
import { type FileHandle, open } from 'node:fs/promises';
import { CheckpointError } from '../errors.js';

/** Reads exactly `length` bytes at `position` into a fresh buffer. */
export async function readExactly(
  fh: FileHandle,
  file: string,
  position: number,
  length: number,
  what: string,
): Promise<Uint8Array> {
  const buf = new Uint8Array(length);
  await readInto(fh, file, buf, position, what);
  return buf;
}

/** Fills `buf` from `position`; fails if the file ends first. */
export async function readInto(
  fh: FileHandle,
  file: string,
  buf: Uint8Array,
  position: number,
  what: string,
): Promise<void> {
  let done = 0;
  while (done < buf.byteLength) {
    const { bytesRead } = await fh.read(buf, done, buf.byteLength - done, position + done);
    if (bytesRead === 0) {
      throw new CheckpointError(
        file,
        `${what}: unexpected end of file at byte ${position + done} (needed ${buf.byteLength} bytes from ${position})`,
      );
    }
    done += bytesRead;
  }
}

/** Opens a file for reading, turning fs errors into CheckpointErrors. */
export async function openForRead(file: string): Promise<FileHandle> {
  try {
    return await open(file, 'r');
  } catch (e) {
    throw new CheckpointError(file, `cannot open (${(e as Error).message})`, { cause: e });
  }
}
