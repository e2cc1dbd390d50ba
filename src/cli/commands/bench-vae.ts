// wanjs bench vae: time the Wan VAE encode/decode at real widths with random weights.
import { benchVae } from '../../bench/vae.js';
import { InputError } from '../../engine/errors.js';
import type { VaeTile } from '../../models/wan/vae/tiling.js';
import { intFlag, parse, str } from '../args.js';
import { parseDevice } from '../device.js';
import type { CliIo, Command } from '../io.js';

export const BENCH_VAE_USAGE = `wanjs bench vae [--version 2.1|2.2] [--frames 17] [--height 240] [--width 416]
       [--tile HxW] [--tile-overlap PX] [--threads N] [--device cpu] [--skip-encode] [--skip-decode] [--no-warmup] [--layout auto|plain]
  Encodes a uniform[-1, 1] video and decodes an N(0, 1) latent with the real-width VAE
  (2.1: dim 96, 126.9 M parameters; 2.2: dim 160, dec_dim 256, 704.7 M) and random weights.
  Tiles are in pixels (multiples of 8 for 2.1, 16 for 2.2). Prints one JSON line:
  msEncode, msDecode, peakRssMb (kernel VmHWM), per-phase peaks, frames, height, width, version, threads.`;

function parseTile(v: string | undefined, overlap: string | undefined): VaeTile | undefined {
  if (v === undefined) return undefined;
  const m = /^(\d+)x(\d+)$/.exec(v);
  if (!m) throw new InputError(`--tile: expected HxW in pixels (e.g. 256x256), got '${v}'`);
  return {
    height: Number(m[1]),
    width: Number(m[2]),
    overlap: overlap === undefined ? undefined : intFlag('tile-overlap', overlap, 0, 0),
  };
}

function parseLayout(v: string | undefined): 'auto' | 'plain' {
  if (v === undefined || v === 'auto' || v === 'plain') return v ?? 'auto';
  throw new InputError(`--layout: expected auto or plain, got '${v}'`);
}

export const benchVaeCommand: Command = async (argv: readonly string[], io: CliIo): Promise<number> => {
  const { values } = parse(
    argv,
    {
      version: { type: 'string' },
      frames: { type: 'string' },
      height: { type: 'string' },
      width: { type: 'string' },
      tile: { type: 'string' },
      'tile-overlap': { type: 'string' },
      threads: { type: 'string' },
      device: { type: 'string' },
      'skip-encode': { type: 'boolean' },
      'skip-decode': { type: 'boolean' },
      'no-warmup': { type: 'boolean' },
      layout: { type: 'string' },
      help: { type: 'boolean' },
    },
    false,
  );
  if (values.help) {
    io.out(BENCH_VAE_USAGE);
    return 0;
  }
  const version = str(values.version) ?? '2.1';
  if (version !== '2.1' && version !== '2.2') throw new InputError(`--version: expected 2.1 or 2.2, got '${version}'`);
  const res = await benchVae(await io.runtime(), {
    version,
    frames: intFlag('frames', str(values.frames), 17),
    height: intFlag('height', str(values.height), 240),
    width: intFlag('width', str(values.width), 416),
    tile: parseTile(str(values.tile), str(values['tile-overlap'])),
    threads: values.threads === undefined ? undefined : intFlag('threads', str(values.threads), 1),
    device: parseDevice(str(values.device)),
    skipEncode: values['skip-encode'] === true,
    skipDecode: values['skip-decode'] === true,
    warmup: values['no-warmup'] !== true,
    layout: parseLayout(str(values.layout)),
    signal: io.signal,
  });
  io.out(JSON.stringify(res));
  return 0;
};
