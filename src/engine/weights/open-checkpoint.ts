// The entry point for reading weights from a path.
import { openCheckpointFile } from './open-file.js';
import { ShardedCheckpoint } from './sharded.js';
import type { TensorSource } from './tensor-source.js';

/**
 * Opens a checkpoint: a `.safetensors` file, a torch.save zip (`.pth`, `.pt`,
 * `.bin`, detected by content), or a sharded `*.index.json`. Nothing but the
 * headers / pickle is read until `read()` is called.
 */
export async function openCheckpoint(path: string): Promise<TensorSource> {
  if (path.endsWith('.index.json')) return ShardedCheckpoint.open(path);
  return openCheckpointFile(path);
}
