// Where the built-in model folder lives: assets/builtin-model/ at the package root
// (two levels above this module both as source, src/builtin/, and as built code, dist/builtin/).
import { fileURLToPath } from 'node:url';

/** Absolute path of the shipped built-in model folder. */
export function builtinModelDir(): string {
  return fileURLToPath(new URL('../../assets/builtin-model', import.meta.url));
}
