// wanjs encode-prompt: tokenize a prompt and run the UMT5 text encoder of a
// model folder, reporting the token count and the embedding shape.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../engine/errors.js';
import { HostTensor } from '../../engine/host-tensor.js';
import { Program } from '../../engine/program.js';
import { openCheckpoint } from '../../engine/weights/open-checkpoint.js';
import { writeSafetensors } from '../../engine/weights/safetensors.js';
import { UMT5_TEXT_LEN } from '../../models/wan/umt5/config.js';
import { loadUmt5Weights } from '../../models/wan/umt5/load.js';
import { Umt5Encoder, type Umt5Execution } from '../../models/wan/umt5/model.js';
import { loadTokenizer } from '../../tokenizers/load-tokenizer.js';
import { Umt5PromptTokenizer } from '../../tokenizers/umt5-prompt-tokenizer.js';
import { intFlag, parse, str } from '../args.js';
import { parseDevice } from '../device.js';
import type { CliIo, Command } from '../io.js';

export const ENCODE_PROMPT_USAGE = `wanjs encode-prompt --model DIR [options] PROMPT
  Tokenizes PROMPT as Wan does and runs the UMT5 text encoder of a model folder
  (official: models_t5_umt5-xxl-enc-bf16.pth + google/umt5-xxl/; diffusers:
  text_encoder/ + tokenizer/). Prints the token count and the embedding shape.
  --model DIR          model folder (or give --checkpoint and --tokenizer)
  --checkpoint FILE    encoder weights (.pth, .safetensors or *.index.json)
  --tokenizer PATH     spiece.model, tokenizer.json or a folder with either
  --negative TEXT      also encode a negative prompt (same batch)
  --text-len N         token limit, </s> included (default ${UMT5_TEXT_LEN})
  --full               run all text-len positions as upstream does (default: only up
                       to the longest prompt; the embeddings are the same maths)
  --execution MODE     auto | whole | layered (default auto: layered for bf16 weights)
  --out FILE           write the embeddings as safetensors (context, context_null)
  --device cpu         --threads N         --json (one JSON line)`;

interface Located {
  readonly checkpoint: string;
  readonly tokenizer: string;
}

function firstCheckpoint(dir: string): string | undefined {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return undefined;
  const files = readdirSync(dir).sort();
  const pick =
    files.find((f) => f.endsWith('.safetensors.index.json')) ??
    files.find((f) => f.endsWith('.safetensors')) ??
    files.find((f) => f.endsWith('.pth') || f.endsWith('.bin'));
  return pick && join(dir, pick);
}

/** The encoder checkpoint and tokenizer of a folder in the official or the diffusers layout. */
export function locateTextEncoder(root: string): Located {
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new InputError(`--model: '${root}' does not exist or is not a directory`);
  }
  const official = join(root, 'models_t5_umt5-xxl-enc-bf16.pth');
  if (existsSync(official)) return { checkpoint: official, tokenizer: join(root, 'google', 'umt5-xxl') };
  const diffusers = firstCheckpoint(join(root, 'text_encoder'));
  if (diffusers) return { checkpoint: diffusers, tokenizer: join(root, 'tokenizer') };
  throw new InputError(
    `--model: '${root}' has no text encoder (looked for models_t5_umt5-xxl-enc-bf16.pth and text_encoder/*.safetensors)`,
  );
}

function parseExecution(v: string | undefined): Umt5Execution {
  if (v === undefined) return 'auto';
  if (v === 'auto' || v === 'whole' || v === 'layered') return v;
  throw new InputError(`--execution: expected auto, whole or layered, got '${v}'`);
}

export const encodePromptCommand: Command = async (argv: readonly string[], io: CliIo): Promise<number> => {
  const { values, positionals } = parse(argv, {
    model: { type: 'string' },
    checkpoint: { type: 'string' },
    tokenizer: { type: 'string' },
    negative: { type: 'string' },
    'text-len': { type: 'string' },
    full: { type: 'boolean' },
    execution: { type: 'string' },
    out: { type: 'string' },
    device: { type: 'string' },
    threads: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean' },
  });
  if (values.help) {
    io.out(ENCODE_PROMPT_USAGE);
    return 0;
  }
  if (positionals.length !== 1) {
    io.err(ENCODE_PROMPT_USAGE);
    return 2;
  }
  const model = str(values.model);
  const located = model ? locateTextEncoder(model) : undefined;
  const checkpoint = str(values.checkpoint) ?? located?.checkpoint;
  const tokenizerPath = str(values.tokenizer) ?? located?.tokenizer;
  if (!checkpoint || !tokenizerPath) throw new InputError('give --model DIR, or both --checkpoint and --tokenizer');
  const textLen = intFlag('text-len', str(values['text-len']), UMT5_TEXT_LEN, 2);
  const execution = parseExecution(str(values.execution));
  const device = parseDevice(str(values.device));
  const threads = values.threads === undefined ? undefined : intFlag('threads', str(values.threads), 1);

  const tokenizer = new Umt5PromptTokenizer(await loadTokenizer(tokenizerPath), { maxLength: textLen });
  const texts = [positionals[0], ...(values.negative === undefined ? [] : [str(values.negative) ?? ''])];
  const encoded = texts.map((t) => tokenizer.encode(t));

  const started = performance.now();
  const source = await openCheckpoint(checkpoint);
  let loaded: Awaited<ReturnType<typeof loadUmt5Weights>>;
  try {
    loaded = await loadUmt5Weights(source, { signal: io.signal });
  } finally {
    await source.close();
  }
  const { config, weights, layout } = loaded;
  if (tokenizer.tokenizer.vocabSize > config.vocab) {
    throw new InputError(
      `tokenizer ${tokenizerPath} has ${tokenizer.tokenizer.vocabSize} pieces, more than the encoder's vocabulary of ${config.vocab}`,
    );
  }
  const weightsDtype = weights.get('token_embedding.weight')?.dtype ?? 'float32';
  const loadSeconds = (performance.now() - started) / 1000;

  const b = encoded.length;
  const ids = new BigInt64Array(b * textLen);
  const mask = new BigInt64Array(b * textLen);
  encoded.forEach((e, i) => {
    for (let j = 0; j < textLen; j++) {
      ids[i * textLen + j] = BigInt(e.ids[j]);
      mask[i * textLen + j] = BigInt(e.mask[j]);
    }
  });
  const program = new Program(await io.runtime(), { device, threads, maxSessions: 2 });
  const t0 = performance.now();
  let contexts: HostTensor<'float32'>[];
  let executionUsed: string;
  try {
    const encoder = new Umt5Encoder(config, weights, program, { execution });
    executionUsed = encoder.execution;
    const res = await encoder.encode(
      new HostTensor('int64', [b, textLen], ids),
      new HostTensor('int64', [b, textLen], mask),
      { trimPadding: values.full !== true, signal: io.signal },
    );
    contexts = res.contexts;
  } finally {
    await program.dispose();
  }
  const encodeSeconds = (performance.now() - t0) / 1000;

  const outFile = str(values.out);
  if (outFile) {
    const tensors: Record<string, HostTensor> = { context: contexts[0] };
    if (contexts[1]) tensors.context_null = contexts[1];
    await writeSafetensors(outFile, tensors, {
      prompt: texts[0],
      ...(texts[1] === undefined ? {} : { negative: texts[1] }),
    });
  }
  const summary = {
    tokens: encoded[0].length,
    shape: contexts[0].shape,
    dtype: 'float32',
    ...(contexts[1] ? { negativeTokens: encoded[1].length, negativeShape: contexts[1].shape } : {}),
    textLen,
    layout,
    weightsDtype,
    execution: executionUsed,
    config: { dim: config.dim, layers: config.numLayers, heads: config.numHeads, vocab: config.vocab },
    loadSeconds: round(loadSeconds),
    encodeSeconds: round(encodeSeconds),
    ...(outFile ? { out: outFile } : {}),
  };
  if (values.json) io.out(JSON.stringify(summary));
  else {
    io.out(
      `prompt: ${encoded[0].length} tokens (of ${textLen}) -> embedding [${contexts[0].shape.join(', ')}] float32`,
    );
    if (contexts[1]) {
      io.out(`negative: ${encoded[1].length} tokens -> embedding [${contexts[1].shape.join(', ')}] float32`);
    }
    io.out(
      `encoder: UMT5 dim ${config.dim}, ${config.numLayers} layers, ${config.numHeads} heads (${layout} layout, ${weightsDtype} weights, ${executionUsed} execution); load ${round(loadSeconds)} s, encode ${round(encodeSeconds)} s`,
    );
    if (outFile) io.out(`wrote ${outFile}`);
  }
  return 0;
};

function round(s: number): number {
  return Math.round(s * 1000) / 1000;
}
