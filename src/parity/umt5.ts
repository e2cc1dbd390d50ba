// Parity runner for the UMT5 encoder cases (`umt5_encoder*`): any config the
// oracle writes, official key names, ids/mask batches of any size.
import { WanError } from '../engine/errors.js';
import { HostTensor } from '../engine/host-tensor.js';
import { Program } from '../engine/program.js';
import { umt5ConfigFromJson } from '../models/wan/umt5/config.js';
import { Umt5Encoder } from '../models/wan/umt5/model.js';
import { relativePositionBucket } from '../models/wan/umt5/relative-position.js';
import { caseWeights, need, perSampleNames } from './case-file.js';
import type { ParityCase, ParityContext, ParityOutput } from './types.js';

function intTensor(c: ParityCase, name: string): HostTensor<'int64'> | HostTensor<'int32'> {
  const t = need(c, name);
  if (t.dtype === 'int64' || t.dtype === 'int32') return t as HostTensor<'int64'> | HostTensor<'int32'>;
  throw new WanError('E_PARITY', `${c.file}: '${name}' must be int64 or int32, got ${t.dtype}`);
}

/**
 * Runs `input.ids`/`input.mask` through Umt5Encoder and compares
 * `output.hidden`, every `output.context{b}` and, with `ctx.inter`,
 * `inter.rel_bucket` (offsets −(n−1)…n−1 of an n·2−1 table).
 */
export async function runUmt5Case(c: ParityCase, ctx: ParityContext): Promise<ParityOutput[]> {
  const config = umt5ConfigFromJson(c.config);
  const ids = intTensor(c, 'input.ids');
  const mask = intTensor(c, 'input.mask');
  const program = new Program(ctx.runtime, { device: ctx.device, threads: ctx.threads, maxSessions: 2 });
  try {
    const enc = new Umt5Encoder(config, caseWeights(c), program);
    const res = await enc.encode(ids, mask, { signal: ctx.signal });
    const outs: ParityOutput[] = [];
    if (c.tensors.has('output.hidden')) {
      outs.push({ name: 'output.hidden', actual: res.hidden, expected: need(c, 'output.hidden') });
    }
    const names = perSampleNames(c, 'output.context');
    if (names.length && names.length !== res.contexts.length) {
      throw new WanError(
        'E_PARITY',
        `${c.file}: ${names.length} output.context tensors for a batch of ${res.contexts.length}`,
      );
    }
    names.forEach((n, i) => {
      outs.push({ name: n, actual: res.contexts[i], expected: need(c, n) });
    });
    const rb = c.tensors.get('inter.rel_bucket');
    if (ctx.inter && rb) {
      const half = (rb.shape[0] - 1) / 2;
      const spec = { numBuckets: config.numBuckets, bidirectional: true, maxDistance: config.maxDistance };
      const got = Int32Array.from({ length: rb.shape[0] }, (_, i) => relativePositionBucket(i - half, spec));
      outs.push({
        name: 'inter.rel_bucket',
        actual: new HostTensor('int32', rb.shape, got),
        expected: rb,
        atol: 0,
        rtol: 0,
      });
    }
    return outs;
  } finally {
    await program.dispose();
  }
}
