// wanjs bench <what>: benchmarks that print one JSON line (never run as tests).
import { readFileSync } from 'node:fs';
import { benchDit } from '../../bench/dit.js';
import { InputError } from '../../engine/errors.js';
import { ditConfigFromJson, isPresetName, WAN_PRESETS, type WanDitConfig } from '../../models/wan/dit/config.js';
import { intFlag, parse, str } from '../args.js';
import { parseDevice } from '../device.js';
import type { CliIo, Command } from '../io.js';

export const BENCH_DIT_USAGE = `wanjs bench dit (--preset NAME | --config JSON|FILE) [--frames 17] [--height 240] [--width 416]
       [--text-len 512] [--num-layers N] [--threads N] [--device cpu] [--warmup 1] [--repeat 2] [--unfused] [--int8]
  Times WanModel forwards at real widths with random weights. Presets: ${Object.keys(WAN_PRESETS).join(', ')}.
  --unfused: composed attention/RoPE/RMSNorm instead of ONNX Runtime's fused kernels.
  --int8: opt-in lossy int8 block linears (dynamic activation quantization); see docs/performance.md.`;

function configFrom(preset: string | undefined, config: string | undefined): WanDitConfig {
  let base: WanDitConfig | undefined;
  if (preset !== undefined) {
    if (!isPresetName(preset))
      throw new InputError(
        `--preset: unknown preset '${preset}' (choose one of: ${Object.keys(WAN_PRESETS).join(', ')})`,
      );
    base = WAN_PRESETS[preset];
  }
  if (config === undefined) {
    if (!base) throw new InputError('give --preset NAME or --config JSON');
    return base;
  }
  const text = config.trim().startsWith('{') ? config : readFileSync(config, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputError(`--config: not valid JSON (${(e as Error).message})`);
  }
  if (!json || typeof json !== 'object' || Array.isArray(json))
    throw new InputError('--config: expected a JSON object');
  return ditConfigFromJson(json as Record<string, unknown>, base);
}

export const benchDitCommand: Command = async (argv, io: CliIo) => {
  const { values } = parse(
    argv,
    {
      preset: { type: 'string' },
      config: { type: 'string' },
      frames: { type: 'string' },
      height: { type: 'string' },
      width: { type: 'string' },
      'text-len': { type: 'string' },
      'num-layers': { type: 'string' },
      threads: { type: 'string' },
      device: { type: 'string' },
      warmup: { type: 'string' },
      repeat: { type: 'string' },
      unfused: { type: 'boolean' },
      int8: { type: 'boolean' },
      help: { type: 'boolean' },
    },
    false,
  );
  if (values.help) {
    io.out(BENCH_DIT_USAGE);
    return 0;
  }
  let config = configFrom(str(values.preset), str(values.config));
  if (values['num-layers'] !== undefined)
    config = { ...config, numLayers: intFlag('num-layers', str(values['num-layers']), 1, 0) };
  const res = await benchDit(await io.runtime(), {
    config,
    frames: intFlag('frames', str(values.frames), 17),
    height: intFlag('height', str(values.height), 240),
    width: intFlag('width', str(values.width), 416),
    textLen: intFlag('text-len', str(values['text-len']), 512),
    threads: values.threads === undefined ? undefined : intFlag('threads', str(values.threads), 1),
    device: parseDevice(str(values.device)),
    warmup: intFlag('warmup', str(values.warmup), 1, 0),
    repeat: intFlag('repeat', str(values.repeat), 2),
    fused: values.unfused !== true,
    int8: values.int8 === true,
  });
  io.out(JSON.stringify({ impl: 'wanjs', preset: str(values.preset) ?? null, ...res }));
  return 0;
};

/** `wanjs bench <what> ...` dispatch; sub-benchmarks are passed in by the composition root. */
export function benchCommand(subs: Readonly<Record<string, Command>>): Command {
  return async (argv, io) => {
    const [what, ...rest] = argv;
    const cmd = what ? subs[what] : undefined;
    if (!cmd) {
      io.err(`usage: wanjs bench <${Object.keys(subs).join('|')}> [options]   (--help for each)`);
      return 2;
    }
    return cmd(rest, io);
  };
}

export const BENCH_GENERATE_USAGE = `wanjs bench generate (--preset NAME | --config JSON|FILE) [--size 416*240] [--frames 17] [--steps 2]
       [--text-layers 24] [--num-layers N] [--experts] [--threads N] [--device cpu]
  Runs the whole pipeline (text encoder -> DiT steps with CFG -> VAE decode) with random
  weights at real widths; prints per-phase milliseconds and the peak RSS as one JSON line.`;

export const benchGenerateCommand: Command = async (argv, io: CliIo) => {
  const { values } = parse(
    argv,
    {
      preset: { type: 'string' },
      config: { type: 'string' },
      size: { type: 'string' },
      frames: { type: 'string' },
      steps: { type: 'string' },
      'text-layers': { type: 'string' },
      'num-layers': { type: 'string' },
      experts: { type: 'boolean' },
      threads: { type: 'string' },
      device: { type: 'string' },
      help: { type: 'boolean' },
    },
    false,
  );
  if (values.help) {
    io.out(BENCH_GENERATE_USAGE);
    return 0;
  }
  const preset = str(values.preset);
  let config = configFrom(preset, str(values.config));
  if (values['num-layers'] !== undefined)
    config = { ...config, numLayers: intFlag('num-layers', str(values['num-layers']), 1, 0) };
  const size = /^(\d+)[*x](\d+)$/.exec(str(values.size) ?? '416*240');
  if (!size) throw new InputError(`--size: expected W*H, got '${str(values.size)}'`);
  const { benchGenerate } = await import('../../bench/generate.js');
  const res = await benchGenerate(await io.runtime(), {
    config,
    experts: values.experts === true || (preset?.includes('A14B') ?? false),
    width: Number(size[1]),
    height: Number(size[2]),
    frames: intFlag('frames', str(values.frames), 17),
    steps: intFlag('steps', str(values.steps), 2),
    textLayers: intFlag('text-layers', str(values['text-layers']), 24),
    threads: values.threads === undefined ? undefined : intFlag('threads', str(values.threads), 1),
    device: parseDevice(str(values.device)),
  });
  io.out(JSON.stringify({ impl: 'wanjs', preset: preset ?? null, ...res }));
  return 0;
};
