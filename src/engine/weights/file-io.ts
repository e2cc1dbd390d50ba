// Positional reads that either return every requested byte or fail with a
// CheckpointError naming the file: a short read means the file is truncated
// or changed underneath us, never something to silently zero-fill.
import { type FileHandle, open } from 'node:fs/promises';
import { CheckpointError } from '../errors.js';

/** Node refuses single reads over 2 GiB; larger tensors are read in pieces. */
const MAX_READ_CHUNK = 1 << 30;

/** Reads exactly `length` bytes at `position` into a fresh buffer. */
export async function readExactly(
  fh: FileHandle,
  file: string,
  position: number,
  length: number,
  what: string,
): Promise<Uint8Array> {
  let buf: Uint8Array;
  try {
    buf = new Uint8Array(length);
  } catch (e) {
    throw new CheckpointError(file, `${what}: cannot allocate ${length} bytes (${(e as Error).message})`, { cause: e });
  }
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
    const want = Math.min(buf.byteLength - done, MAX_READ_CHUNK);
    const { bytesRead } = await fh.read(buf, done, want, position + done);
    if (bytesRead === 0) {
      throw new CheckpointError(
        file,
        `${what}: unexpected end of file at byte ${position + done} (needed ${buf.byteLength} bytes from ${position})`,
      );
    }
    done += bytesRead;
  }
}

/** Opens a regular file for reading, turning fs errors into CheckpointErrors. */
export async function openForRead(file: string): Promise<FileHandle> {
  let fh: FileHandle;
  try {
    fh = await open(file, 'r');
  } catch (e) {
    throw new CheckpointError(file, `cannot open (${(e as Error).message})`, { cause: e });
  }
  const regular = await fh.stat().then(
    (s) => s.isFile(),
    () => false,
  );
  if (!regular) {
    await fh.close();
    throw new CheckpointError(file, 'is not a regular file (a checkpoint path must name a file)');
  }
  return fh;
}
