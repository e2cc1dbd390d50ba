// Sharded checkpoints: `*.safetensors.index.json` (or `pytorch_model.bin.index.json`)
// maps every tensor name to the shard file holding it. The shards are opened
// together and presented as one source; the index is checked against them
// up front so a broken download fails with every problem named at once.
import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { CheckpointError } from '../errors.js';
import type { HostTensor } from '../host-tensor.js';
import { openCheckpointFile } from './open-file.js';
import type { TensorInfo, TensorSource } from './tensor-source.js';

/** Index files larger than this are refused (real ones are a few hundred KB). */
const MAX_INDEX_BYTES = 64 * 1024 * 1024;
const LIST_LIMIT = 20;

/** Parsed `weight_map` of an index file. */
export interface ShardIndex {
  readonly metadata: Readonly<Record<string, unknown>>;
  /** Tensor name → shard file name (relative to the index). */
  readonly weightMap: ReadonlyMap<string, string>;
}

/** Parses and validates index JSON; shard names must stay inside the index's folder. */
export function parseShardIndex(file: string, text: string): ShardIndex {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new CheckpointError(file, `index is not valid JSON (${(e as Error).message})`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new CheckpointError(file, 'index must be a JSON object');
  }
  const { metadata, weight_map: wm } = json as { metadata?: unknown; weight_map?: unknown };
  if (wm === null || typeof wm !== 'object' || Array.isArray(wm)) {
    throw new CheckpointError(file, 'index has no "weight_map" object');
  }
  const weightMap = new Map<string, string>();
  for (const [key, shard] of Object.entries(wm as Record<string, unknown>)) {
    if (typeof shard !== 'string' || shard === '') {
      throw new CheckpointError(file, `weight_map['${key}'] must be a shard file name, found ${JSON.stringify(shard)}`);
    }
    if (isAbsolute(shard) || shard.split(/[\\/]/).includes('..')) {
      throw new CheckpointError(file, `weight_map['${key}'] = '${shard}' points outside the checkpoint folder`);
    }
    weightMap.set(key, shard);
  }
  const meta = metadata && typeof metadata === 'object' && !Array.isArray(metadata) ? metadata : {};
  return { metadata: meta as Record<string, unknown>, weightMap };
}

function listSome(items: readonly string[]): string {
  const head = items.slice(0, LIST_LIMIT).join(', ');
  return items.length > LIST_LIMIT ? `${head}, … (${items.length - LIST_LIMIT} more)` : head;
}

/** Several shard files read as one source, keyed by the index's weight_map. */
export class ShardedCheckpoint implements TensorSource {
  readonly path: string;
  readonly format = 'sharded' as const;
  readonly index: ShardIndex;
  /** Shard file name → open source. */
  readonly shards: ReadonlyMap<string, TensorSource>;

  private constructor(path: string, index: ShardIndex, shards: ReadonlyMap<string, TensorSource>) {
    this.path = path;
    this.index = index;
    this.shards = shards;
  }

  /** Opens an index file and all its shards; fails listing every missing shard or key. */
  static async open(path: string): Promise<ShardedCheckpoint> {
    let text: string;
    try {
      const st = await stat(path);
      if (st.size > MAX_INDEX_BYTES) throw new CheckpointError(path, `index is ${st.size} bytes, too large`);
      text = await readFile(path, 'utf8');
    } catch (e) {
      if (e instanceof CheckpointError) throw e;
      throw new CheckpointError(path, `cannot read index (${(e as Error).message})`, { cause: e });
    }
    const index = parseShardIndex(path, text);
    const dir = dirname(path);
    const names = [...new Set(index.weightMap.values())];
    const missing: string[] = [];
    for (const name of names) {
      const ok = await stat(join(dir, name)).then(
        (s) => s.isFile(),
        () => false,
      );
      if (!ok) missing.push(name);
    }
    if (missing.length) {
      throw new CheckpointError(
        path,
        `${missing.length} of ${names.length} shard files are missing: ${listSome(missing)}`,
      );
    }
    const shards = new Map<string, TensorSource>();
    try {
      for (const name of names) shards.set(name, await openCheckpointFile(join(dir, name)));
      const absent: string[] = [];
      for (const [key, shard] of index.weightMap) {
        if (!shards.get(shard)?.has(key)) absent.push(`'${key}' (${shard})`);
      }
      if (absent.length) {
        throw new CheckpointError(
          path,
          `${absent.length} tensors of weight_map are not in their shard: ${listSome(absent)}`,
        );
      }
    } catch (e) {
      await Promise.allSettled([...shards.values()].map((s) => s.close()));
      throw e;
    }
    return new ShardedCheckpoint(path, index, shards);
  }

  keys(): string[] {
    return [...this.index.weightMap.keys()];
  }

  has(key: string): boolean {
    return this.index.weightMap.has(key);
  }

  #shard(key: string): TensorSource {
    const name = this.index.weightMap.get(key);
    const shard = name === undefined ? undefined : this.shards.get(name);
    if (!shard) throw new CheckpointError(this.path, `no tensor named '${key}'`);
    return shard;
  }

  info(key: string): TensorInfo {
    return this.#shard(key).info(key);
  }

  read(key: string): Promise<HostTensor> {
    return this.#shard(key).read(key);
  }

  async close(): Promise<void> {
    const results = await Promise.allSettled([...this.shards.values()].map((s) => s.close()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
