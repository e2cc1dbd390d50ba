// Writing weight files the way Hugging Face repositories hold them: one
// `.safetensors` file, or shards `<stem>-0000i-of-0000n.safetensors` with a
// `<stem>.safetensors.index.json` weight map; plus dtype casts for files that
// ship in half precision.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { f32ToBf16, f32ToF16 } from '../engine/dtype.js';
import { InputError, throwIfAborted } from '../engine/errors.js';
import { HostTensor, toFloat32 } from '../engine/host-tensor.js';
import { writeSafetensors } from '../engine/weights/index.js';

/** Floating dtypes checkpoint files are stored in. */
export type StoredFloat = 'float32' | 'bfloat16' | 'float16';

/** A float tensor in `dtype` (round-to-nearest-even, as torch's `.to()`). */
export function castFloat(t: HostTensor, dtype: StoredFloat): HostTensor {
  const f = toFloat32(t);
  if (dtype === 'float32') return f;
  const conv = dtype === 'bfloat16' ? f32ToBf16 : f32ToF16;
  const out = new Uint16Array(f.size);
  for (let i = 0; i < out.length; i++) out[i] = conv(f.data[i]);
  return new HostTensor(dtype, f.shape, out);
}

/** Every tensor of a map cast to `dtype`, names unchanged. */
export function castAll(tensors: ReadonlyMap<string, HostTensor>, dtype: StoredFloat): Map<string, HostTensor> {
  return new Map([...tensors].map(([k, t]) => [k, castFloat(t, dtype)]));
}

export interface SafetensorsWriteOptions {
  /** Number of shard files; 1 (default) writes `<stem>.safetensors` and no index. */
  readonly shards?: number;
  readonly metadata?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
}

/**
 * Writes `tensors` into `dir` as `<stem>.safetensors`, or as `shards` files of
 * about equal size (tensors keep their order) plus the index. Returns the file
 * names written.
 */
export async function writeSafetensorsFiles(
  dir: string,
  stem: string,
  tensors: ReadonlyMap<string, HostTensor>,
  opts: SafetensorsWriteOptions = {},
): Promise<string[]> {
  const n = opts.shards ?? 1;
  if (!Number.isInteger(n) || n < 1 || n > tensors.size) {
    throw new InputError(`shards must be an integer in [1, ${tensors.size}] for '${stem}', got ${n}`);
  }
  if (n === 1) {
    await writeSafetensors(join(dir, `${stem}.safetensors`), tensors, opts.metadata);
    return [`${stem}.safetensors`];
  }
  const entries = [...tensors];
  const total = entries.reduce((s, [, t]) => s + t.byteLength, 0);
  const groups: [string, HostTensor][][] = Array.from({ length: n }, () => []);
  let acc = 0;
  let g = 0;
  entries.forEach((e, i) => {
    // Move on once shard g holds its share of the bytes, or when the tensors left are just
    // enough to give every later shard one; never leave a shard empty.
    const full = Math.floor((acc * n) / Math.max(total, 1)) > g;
    const needed = entries.length - i <= n - 1 - g;
    if (groups[g].length > 0 && g < n - 1 && (full || needed)) g++;
    groups[g].push(e);
    acc += e[1].byteLength;
  });
  const pad = (k: number) => String(k).padStart(5, '0');
  const files: string[] = [];
  const weightMap: Record<string, string> = {};
  for (let g = 0; g < n; g++) {
    throwIfAborted(opts.signal);
    const file = `${stem}-${pad(g + 1)}-of-${pad(n)}.safetensors`;
    await writeSafetensors(join(dir, file), new Map(groups[g]), opts.metadata);
    for (const [k] of groups[g]) weightMap[k] = file;
    files.push(file);
  }
  const index = `${stem}.safetensors.index.json`;
  await writeFile(
    join(dir, index),
    `${JSON.stringify({ metadata: { total_size: total }, weight_map: weightMap }, null, 2)}\n`,
  );
  return [...files, index];
}
