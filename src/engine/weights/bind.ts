// Matching a model's declared parameters to a checkpoint. Every problem is
// collected first (missing, unexpected, wrong shape, clashing names) and
// reported together, so one run shows everything wrong with a checkpoint;
// only then is data read, one tensor at a time.
import { isFloatDType } from '../dtype.js';
import { BindingError, throwIfAborted } from '../errors.js';
import { type HostTensor, shapeText, toFloat32 } from '../host-tensor.js';
import type { TensorSource } from './tensor-source.js';

const LIST_LIMIT = 20;

/** A parameter the model expects. */
export interface DeclaredParameter {
  readonly shape: readonly number[];
}

/** How checkpoint keys are matched to declared names, and what is tolerated. */
export interface BindOptions {
  /**
   * Checkpoint name (after the prefix is stripped) → declared name;
   * `undefined` marks a key with no counterpart (reported as unexpected).
   */
  readonly keyMap?: (checkpointKey: string) => string | undefined;
  /** Only checkpoint keys starting with this are considered; it is stripped before `keyMap`. */
  readonly prefix?: string;
  /** Tolerate unexpected keys: all (`true`) or those whose full checkpoint name matches. */
  readonly allowUnexpected?: boolean | RegExp;
  /** `'float32'` (default) upcasts/downcasts floating tensors to float32; integer tensors are kept. */
  readonly dtype?: 'float32' | 'keep';
  readonly signal?: AbortSignal;
  /** Called after each tensor is read. */
  readonly onProgress?: (done: number, total: number, name: string) => void;
}

function listSome(title: string, items: readonly string[]): string {
  if (!items.length) return '';
  const more = items.length > LIST_LIMIT ? `\n    … and ${items.length - LIST_LIMIT} more` : '';
  return `\n  ${title} (${items.length}):\n    ${items.slice(0, LIST_LIMIT).join('\n    ')}${more}`;
}

/**
 * Reads every declared parameter from `source`. Checkpoint keys outside
 * `prefix` are ignored; the rest go through `keyMap`. If several checkpoint
 * keys map to one parameter (tied weights such as UMT5's `shared.weight` and
 * `encoder.embed_tokens.weight`) the first in file order is used when the
 * shapes agree. Throws BindingError naming all missing, unexpected,
 * mis-shaped and conflicting keys; with `dtype: 'float32'` each tensor is
 * converted right after it is read, so peak memory is the result plus one tensor.
 */
export async function bindParameters(
  declared: ReadonlyMap<string, DeclaredParameter>,
  source: TensorSource,
  opts: BindOptions = {},
): Promise<Map<string, HostTensor>> {
  const prefix = opts.prefix ?? '';
  const allow = opts.allowUnexpected ?? false;
  const isAllowed = (key: string) => (typeof allow === 'boolean' ? allow : allow.test(key));
  const chosen = new Map<string, string>(); // declared name → checkpoint key
  const unexpected: string[] = [];
  const mismatched: string[] = [];
  const conflicts: string[] = [];
  const seen: string[] = [];
  for (const key of source.keys()) {
    if (!key.startsWith(prefix)) continue;
    seen.push(key);
    const stripped = key.slice(prefix.length);
    const name = opts.keyMap ? opts.keyMap(stripped) : stripped;
    const param = name === undefined ? undefined : declared.get(name);
    if (name === undefined || !param) {
      if (!isAllowed(key)) unexpected.push(name === undefined || name === key ? key : `${key} (as ${name})`);
      continue;
    }
    const shape = source.info(key).shape;
    const first = chosen.get(name);
    if (first !== undefined) {
      if (shapeText(source.info(first).shape) !== shapeText(shape)) {
        conflicts.push(`${name}: from ${first} ${shapeText(source.info(first).shape)} and ${key} ${shapeText(shape)}`);
      }
      continue;
    }
    chosen.set(name, key);
    if (shapeText(shape) !== shapeText(param.shape)) {
      mismatched.push(
        `${name}: declared ${shapeText(param.shape)}, checkpoint ${shapeText(shape)}${name === key ? '' : ` (${key})`}`,
      );
    }
  }
  const missing = [...declared.keys()].filter((n) => !chosen.has(n));
  if (missing.length || unexpected.length || mismatched.length || conflicts.length) {
    let hint = '';
    if (chosen.size === 0 && declared.size > 0) {
      const sample = (seen.length ? seen : source.keys()).slice(0, 3).join(', ');
      hint = `\n  no key was bound: wrong prefix or keyMap? checkpoint keys look like: ${sample || '(none)'}`;
    }
    throw new BindingError(
      `${source.path}: checkpoint does not match the ${declared.size} declared parameters` +
        listSome('missing', missing) +
        listSome('unexpected', unexpected) +
        listSome('shape mismatch', mismatched) +
        listSome('conflicting', conflicts) +
        hint,
      missing,
      unexpected,
    );
  }

  const out = new Map<string, HostTensor>();
  let done = 0;
  for (const name of declared.keys()) {
    throwIfAborted(opts.signal);
    const key = chosen.get(name) as string;
    let t = await source.read(key);
    if (opts.dtype !== 'keep' && isFloatDType(t.dtype)) t = toFloat32(t);
    out.set(name, t);
    opts.onProgress?.(++done, declared.size, name);
  }
  return out;
}
