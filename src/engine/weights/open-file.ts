// Opens one checkpoint file, choosing the reader from the file's first bytes
// rather than its extension (`.bin`, `.pt`, `.pth`, `.ckpt` are all used for
// torch zips, and files get renamed).
import { CheckpointError } from '../errors.js';
import { openForRead, readExactly } from './file-io.js';
import { PthFile } from './pth.js';
import { SafetensorsFile } from './safetensors.js';
import type { TensorSource } from './tensor-source.js';

type SingleFormat = 'safetensors' | 'pytorch';

/** Identifies a checkpoint file by its magic bytes. */
export async function detectFormat(path: string): Promise<SingleFormat> {
  const fh = await openForRead(path);
  let head: Uint8Array;
  try {
    const size = (await fh.stat()).size;
    head = await readExactly(fh, path, 0, Math.min(size, 9), 'file signature');
  } finally {
    await fh.close();
  }
  if (head[0] === 0x50 && head[1] === 0x4b && (head[2] === 3 || head[2] === 5)) return 'pytorch'; // "PK"
  if (head.length === 9 && head[8] === 0x7b) return 'safetensors'; // header JSON starts with "{"
  if (head[0] === 0x80) {
    throw new CheckpointError(
      path,
      'not a zip archive: legacy (pre-1.6) torch.save files are not supported; re-save with a current PyTorch or convert to safetensors',
    );
  }
  throw new CheckpointError(path, 'unrecognised checkpoint format (expected safetensors or a torch.save zip)');
}

/** Opens a single `.safetensors` or torch zip (`.pth`/`.pt`/`.bin`) file. */
export async function openCheckpointFile(path: string): Promise<TensorSource> {
  return (await detectFormat(path)) === 'safetensors' ? SafetensorsFile.open(path) : PthFile.open(path);
}
