import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CliIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { OrtNodeRuntime } from '../../src/engine/runtime/ort-node.js';
import { writeTinyModelFolder } from '../../src/testing/index.js';

const root = mkdtempSync(join(tmpdir(), 'wanjs-generate-'));
const runtime = new OrtNodeRuntime();
let model = '';

function io(lines: string[], errs: string[]): Partial<CliIo> {
  return {
    out: (l) => lines.push(l),
    err: (l) => errs.push(l),
    isTty: false,
    runtime: async () => runtime,
    signal: new AbortController().signal,
  };
}

function hasFfprobe(): boolean {
  try {
    execFileSync('ffprobe', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('wanjs generate (tiny official-layout model)', () => {
  before(async () => {
    model = (await writeTinyModelFolder(join(root, 'tiny-t2v'), { kind: 't2v-2.1', layout: 'official', seed: 3 })).root;
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('writes an H.264 MP4 with the requested frames, size and fps, plus a settings sidecar', async () => {
    const out = join(root, 'clip.mp4');
    const lines: string[] = [];
    const errs: string[] = [];
    const code = await main(
      [
        'generate',
        'a red circle moving right',
        '-o',
        out,
        '--model',
        model,
        '--frames',
        '9',
        '--size',
        '48*32',
        '--steps',
        '2',
        '--seed',
        '7',
        '--json',
      ],
      io(lines, errs),
    );
    assert.equal(code, 0, errs.join('\n'));
    assert.ok(existsSync(out));
    const events = lines.map((l) => JSON.parse(l) as { event: string; phase?: string });
    assert.ok(
      events.some((e) => e.phase === 'denoising'),
      'denoising progress events',
    );
    assert.ok(
      events.some((e) => e.phase === 'decoding'),
      'decoding progress events',
    );
    const result = events.at(-1) as unknown as {
      event: string;
      settings: { seed: number; frames: number; fps: number };
    };
    assert.equal(result.event, 'result');
    assert.equal(result.settings.seed, 7);
    const sidecar = JSON.parse(readFileSync(`${out}.json`, 'utf8')) as Record<string, unknown>;
    assert.match(JSON.stringify(sidecar), /a red circle moving right/);
    if (hasFfprobe()) {
      const probe = JSON.parse(
        execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-show_streams', '-of', 'json', out], {
          encoding: 'utf8',
        }),
      ) as {
        streams: {
          codec_name: string;
          width: number;
          height: number;
          nb_read_frames: string;
          r_frame_rate: string;
          pix_fmt: string;
        }[];
      };
      const s = probe.streams[0];
      assert.equal(s.codec_name, 'h264');
      assert.equal(s.pix_fmt, 'yuv420p');
      assert.equal(s.width, 48);
      assert.equal(s.height, 32);
      assert.equal(Number(s.nb_read_frames), 9);
      assert.equal(s.r_frame_rate, '16/1');
    }
  });

  it('rejects bad requests with a message naming the problem, and exits 1', async () => {
    const cases: [string[], RegExp][] = [
      [['--frames', '8'], /frames must be 4n\+1/],
      [['--size', '40*32'], /multiple of 16/],
      [['--image', join(root, 'none.png')], /text-to-video and cannot take an image/],
      [['--sampler', 'ddim'], /sampler must be one of/],
      [['--size', 'big'], /--size: expected W\*H/],
      [['--guidance', '1,2,3'], /--guidance/],
      [['--device', 'tpu'], /unknown device 'tpu'/],
      [['--passes', '3'], /--passes: expected 1 or 2, got '3'/],
    ];
    for (const [flags, re] of cases) {
      const errs: string[] = [];
      const code = await main(
        ['generate', 'a cat', '-o', join(root, 'x.mp4'), '--model', model, '--steps', '1', ...flags],
        io([], errs),
      );
      assert.equal(code, 1, `${flags.join(' ')} should fail`);
      assert.match(errs.join('\n'), re, flags.join(' '));
    }
  });

  it('names the missing file when a model folder is incomplete', async () => {
    const broken = (await writeTinyModelFolder(join(root, 'broken'), { kind: 't2v-2.1', layout: 'official', seed: 3 }))
      .root;
    rmSync(join(broken, 'Wan2.1_VAE.pth'));
    const errs: string[] = [];
    const code = await main(['generate', 'a cat', '--model', broken], io([], errs));
    assert.equal(code, 1);
    assert.match(errs.join('\n'), /Wan2\.1_VAE\.pth/);
    const errs2: string[] = [];
    assert.equal(await main(['generate', 'a cat', '--model', join(root, 'nope')], io([], errs2)), 1);
    assert.match(errs2.join('\n'), /does not exist/);
  });
});
