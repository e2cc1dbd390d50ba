import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { CancelledError, InputError, ShapeError } from '../../src/engine/errors.js';
import { ffmpegOnPath, noFfmpeg } from '../../src/media/ffmpeg.js';
import type { RgbFrame } from '../../src/media/frame.js';
import { MediaError } from '../../src/media/media-error.js';
import { readVideoFrames } from '../../src/media/read-video.js';
import { writeVideo } from '../../src/media/write-video.js';
import {
  childProcessNames,
  ffprobe,
  GREY,
  hasCommand,
  meanRgb,
  movingSquare,
  mp4Boxes,
  RED,
  tempDir,
} from './helpers.js';

const HAS_FFMPEG = hasCommand('ffmpeg');
const HAS_FFPROBE = hasCommand('ffprobe');
const NEEDS_FFMPEG = HAS_FFMPEG ? false : 'ffmpeg is not installed';
const NEEDS_BOTH = HAS_FFMPEG && HAS_FFPROBE ? false : 'ffmpeg/ffprobe are not installed';
const POSIX_SHELL = process.platform === 'win32' ? 'needs a POSIX shell' : false;
const META = { prompt: 'a red "square" moves', seed: '42', model: 'test' };

let tmp: { dir: string; cleanup: () => void };
before(() => {
  tmp = tempDir('video');
});
after(() => tmp.cleanup());

function out(name: string): string {
  return join(tmp.dir, name);
}

function filesIn(dir: string): string[] {
  return readdirSync(dir).sort();
}

async function* slowly(frames: RgbFrame[], onFrame?: (i: number) => void): AsyncGenerator<RgbFrame> {
  for (let i = 0; i < frames.length; i++) {
    onFrame?.(i);
    await new Promise((r) => setTimeout(r, 5));
    yield frames[i];
  }
}

function checkStream(path: string, codec: string, width: number, height: number, frames: number): void {
  const s = ffprobe(path).streams[0];
  assert.equal(s.codec_name, codec);
  assert.equal(s.width, width);
  assert.equal(s.height, height);
  assert.equal(Number(s.nb_read_frames), frames);
  if (codec !== 'gif') {
    assert.equal(s.pix_fmt, 'yuv420p');
    assert.equal(s.r_frame_rate, '16/1');
  }
}

describe('writeVideo: MP4', () => {
  test('ffmpeg path: H.264 yuv420p, faststart, settings in the comment tag and the sidecar', {
    skip: NEEDS_BOTH,
  }, async () => {
    const path = out('clip.mp4');
    const r = await writeVideo(movingSquare(64, 48, 17), { path, fps: 16, metadata: META });
    assert.equal(r.encoder, 'ffmpeg');
    assert.equal(r.codec, 'h264');
    assert.equal(r.frames, 17);
    checkStream(path, 'h264', 64, 48, 17);
    const probe = ffprobe(path);
    assert.deepEqual(JSON.parse(probe.format.tags?.comment ?? '{}'), META);
    assert.equal(probe.streams[0].color_space, 'bt709');
    const boxes = mp4Boxes(new Uint8Array(readFileSync(path)));
    assert.ok(boxes.indexOf('moov') >= 0 && boxes.indexOf('moov') < boxes.indexOf('mdat'), `boxes ${boxes}`);
    const side = JSON.parse(readFileSync(`${path}.json`, 'utf8'));
    assert.deepEqual(side, {
      format: 'mp4',
      codec: 'h264',
      pixelFormat: 'yuv420p',
      encoder: 'ffmpeg',
      fps: 16,
      frames: 17,
      width: 64,
      height: 48,
      sourceWidth: 64,
      sourceHeight: 48,
      metadata: META,
    });
    assert.equal(r.sidecarPath, `${path}.json`);
  });

  test('wasm path (ffmpeg detection injected to find nothing) gives an MP4 ffprobe accepts', async () => {
    const path = out('wasm.mp4');
    const r = await writeVideo(slowly(movingSquare(64, 48, 17)), {
      path,
      fps: 16,
      metadata: META,
      locateFfmpeg: noFfmpeg,
    });
    assert.equal(r.encoder, 'wasm-x264');
    assert.equal(r.frames, 17);
    const boxes = mp4Boxes(new Uint8Array(readFileSync(path)));
    assert.equal(boxes[0], 'ftyp');
    assert.ok(boxes.includes('moov') && boxes.includes('mdat'), `boxes ${boxes}`);
    assert.equal(JSON.parse(readFileSync(`${path}.json`, 'utf8')).encoder, 'wasm-x264');
    if (!HAS_FFPROBE) return;
    checkStream(path, 'h264', 64, 48, 17);
    assert.equal(ffprobe(path).streams[0].profile, 'Baseline');
  });

  test("encoder: 'wasm' is honoured even when ffmpeg exists, and colours survive the round trip", async () => {
    const path = out('wasm-forced.mp4');
    const r = await writeVideo(movingSquare(64, 48, 9), { path, fps: 16, encoder: 'wasm', sidecar: false });
    assert.equal(r.encoder, 'wasm-x264');
    assert.equal(r.sidecarPath, undefined);
    assert.ok(!existsSync(`${path}.json`));
    if (!HAS_FFMPEG) return;
    const frames: RgbFrame[] = [];
    for await (const f of readVideoFrames(path)) frames.push(f);
    assert.equal(frames.length, 9);
    const red = meanRgb(frames[4], 10, 12, 18, 20); // square spans x 8..19, y 10..21
    const grey = meanRgb(frames[4], 40, 30, 60, 45);
    for (let c = 0; c < 3; c++) {
      assert.ok(Math.abs(red[c] - RED[c]) < 12, `red ${red}`);
      assert.ok(Math.abs(grey[c] - GREY) < 6, `grey ${grey}`);
    }
  });

  test('odd sizes are padded to even by repeating the edge (ffmpeg and wasm)', async (t) => {
    for (const [name, locateFfmpeg] of [
      ['odd-ffmpeg.mp4', undefined],
      ['odd-wasm.mp4', noFfmpeg],
    ] as const) {
      if (name === 'odd-ffmpeg.mp4' && !HAS_FFMPEG) continue;
      const path = out(name);
      const r = await writeVideo(movingSquare(63, 47, 5), { path, fps: 16, locateFfmpeg });
      assert.deepEqual([r.width, r.height, r.sourceWidth, r.sourceHeight], [64, 48, 63, 47]);
      if (HAS_FFPROBE) checkStream(path, 'h264', 64, 48, 5);
    }
    await assert.rejects(
      writeVideo(movingSquare(63, 48, 2), { path: out('odd-refused.mp4'), fps: 16, oddSize: 'error' }),
      (e: unknown) => e instanceof InputError && /even width and height, frames are 63×48/.test(e.message),
    );
    t.diagnostic('padding checked for both encoders');
  });

  test('a missing ffmpeg with encoder: ffmpeg is a clear error', async () => {
    await assert.rejects(
      writeVideo(movingSquare(8, 8, 1), { path: out('x.mp4'), fps: 16, encoder: 'ffmpeg', locateFfmpeg: noFfmpeg }),
      (e: unknown) => e instanceof MediaError && /ffmpeg was not found/.test(e.message),
    );
    assert.ok(!existsSync(out('x.mp4')));
  });

  test('the wasm encoder refuses fractional fps instead of writing wrong timing', async () => {
    await assert.rejects(
      writeVideo(movingSquare(8, 8, 1), { path: out('frac.mp4'), fps: 23.976, locateFfmpeg: noFfmpeg }),
      /whole frame rates only, got fps 23.976/,
    );
  });
});

describe('writeVideo: WebM, GIF, PNG', () => {
  test('WebM is VP9 yuv420p via ffmpeg', { skip: NEEDS_BOTH }, async () => {
    const path = out('clip.webm');
    const r = await writeVideo(movingSquare(64, 48, 17), { path, fps: 16, metadata: META });
    assert.deepEqual([r.codec, r.encoder], ['vp9', 'ffmpeg']);
    checkStream(path, 'vp9', 64, 48, 17);
    const odd = out('odd.webm');
    await writeVideo(movingSquare(63, 47, 3), { path: odd, fps: 16 });
    checkStream(odd, 'vp9', 63, 47, 3);
  });

  test('WebM without ffmpeg says what to do', async () => {
    await assert.rejects(
      writeVideo(movingSquare(8, 8, 1), { path: out('n.webm'), fps: 16, locateFfmpeg: noFfmpeg }),
      (e: unknown) =>
        e instanceof MediaError && e.message === 'webm needs ffmpeg on PATH; install ffmpeg or choose mp4/gif/png',
    );
    assert.ok(!existsSync(out('n.webm')));
  });

  test('GIF (global and per-frame palettes) keeps frames, size and colours', async () => {
    for (const gifPalette of ['global', 'per-frame'] as const) {
      const path = out(`clip-${gifPalette}.gif`);
      const r = await writeVideo(movingSquare(64, 48, 17), { path, fps: 16, gifPalette });
      assert.deepEqual([r.codec, r.encoder, r.frames], ['gif', 'gifenc', 17]);
      const meta = await sharp(path, { pages: -1 }).metadata();
      assert.equal(meta.pages, 17);
      assert.equal(meta.width, 64);
      assert.equal(meta.pageHeight, 48);
      assert.equal(meta.loop, 0);
      const { data } = await sharp(path, { pages: -1 }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
      const frame4: RgbFrame = {
        width: 64,
        height: 48,
        data: new Uint8Array(data.subarray(4 * 64 * 48 * 3, 5 * 64 * 48 * 3)),
      };
      const red = meanRgb(frame4, 10, 12, 18, 20);
      for (let c = 0; c < 3; c++) assert.ok(Math.abs(red[c] - RED[c]) <= 8, `${gifPalette} red ${red}`);
      if (HAS_FFPROBE) checkStream(path, 'gif', 64, 48, 17);
    }
  });

  test('PNG frames are lossless, numbered and described by the sidecar', async () => {
    const path = out('frames');
    const clip = movingSquare(33, 21, 17);
    const r = await writeVideo(clip, { path, fps: 16, metadata: META });
    assert.deepEqual([r.format, r.codec, r.encoder, r.frames], ['png', 'png', 'sharp', 17]);
    const names = filesIn(path);
    assert.equal(names.length, 17);
    assert.equal(names[0], 'frame-00000.png');
    assert.equal(names[16], 'frame-00016.png');
    const { data, info } = await sharp(join(path, 'frame-00005.png')).raw().toBuffer({ resolveWithObject: true });
    assert.deepEqual([info.width, info.height, info.channels], [33, 21, 3]);
    assert.ok(Buffer.from(clip[5].data).equals(data));
    assert.equal(JSON.parse(readFileSync(`${path}.json`, 'utf8')).frames, 17);
    await assert.rejects(writeVideo(clip, { path, fps: 16 }), /is not empty/);
  });
});

describe('writeVideo: validation and failures', () => {
  test('bad inputs are rejected before anything is written', async () => {
    await assert.rejects(writeVideo([], { path: out('none.mp4'), fps: 16 }), /no frames to write/);
    await assert.rejects(writeVideo(movingSquare(8, 8, 1), { path: out('a.avi'), fps: 16 }), /cannot tell the format/);
    await assert.rejects(writeVideo(movingSquare(8, 8, 1), { path: out('a.mp4'), fps: 0 }), InputError);
    await assert.rejects(
      writeVideo([{ width: 2, height: 2, data: new Uint8Array(5) }], { path: out('b.gif'), fps: 8 }),
      ShapeError,
    );
    const mixed = [...movingSquare(8, 8, 2), ...movingSquare(10, 8, 1)];
    await assert.rejects(
      writeVideo(mixed, { path: out('mixed.gif'), fps: 8 }),
      (e: unknown) => e instanceof ShapeError && /frame 2 is 10×8, frame 0 is 8×8/.test(e.message),
    );
    const left = filesIn(tmp.dir).filter((n) => /none|a\.avi|a\.mp4|b\.gif|mixed|partial/.test(n));
    assert.deepEqual(left, []);
  });

  test('an ffmpeg that cannot be started is reported, and detection says "absent"', async () => {
    const bogus = join(tmp.dir, 'no-such-ffmpeg');
    assert.equal(await ffmpegOnPath(bogus)(), undefined);
    if (HAS_FFMPEG) assert.equal(await ffmpegOnPath()(), 'ffmpeg');
    await assert.rejects(
      writeVideo(movingSquare(64, 48, 3), { path: out('nostart.mp4'), fps: 16, locateFfmpeg: async () => bogus }),
      (e: unknown) => e instanceof MediaError && e.message.includes(`cannot run '${bogus}'`),
    );
    assert.ok(!existsSync(out('nostart.mp4')));
  });

  test('loading the wasm encoder leaves process-wide error handlers alone', () => {
    // A fresh process: the package registers its handlers only when first loaded.
    const script = `
      import { writeVideo } from './src/media/write-video.js';
      const count = () => [process.listenerCount('uncaughtException'), process.listenerCount('unhandledRejection')];
      const before = count();
      const frame = { width: 16, height: 16, data: new Uint8Array(16 * 16 * 3) };
      const r = await writeVideo([frame, frame], { path: ${JSON.stringify(out('listeners.mp4'))}, fps: 8, encoder: 'wasm', sidecar: false });
      console.log(JSON.stringify({ before, after: count(), encoder: r.encoder }));
    `;
    const res = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    assert.equal(res.status, 0, res.stderr);
    const { before, after, encoder } = JSON.parse(res.stdout.trim().split('\n').pop() ?? '{}');
    assert.equal(encoder, 'wasm-x264');
    assert.deepEqual(after, before);
  });

  test('a failing ffmpeg gives an error with its stderr tail and leaves no file', { skip: POSIX_SHELL }, async () => {
    const fake = out('fake-ffmpeg.sh');
    writeFileSync(
      fake,
      '#!/bin/sh\nPATH="/usr/bin:/bin:$PATH"\nhead -c 20000 >/dev/null\necho "boom: simulated encoder failure" >&2\nexit 3\n',
    );
    chmodSync(fake, 0o755);
    const path = out('failed.mp4');
    await assert.rejects(
      writeVideo(movingSquare(160, 120, 30), { path, fps: 16, locateFfmpeg: async () => fake }),
      (e: unknown) =>
        e instanceof MediaError &&
        e.message.includes('exited with code 3') &&
        e.message.includes('boom: simulated encoder failure') &&
        e.message.includes(path),
    );
    assert.deepEqual(
      filesIn(tmp.dir).filter((n) => n.includes('failed')),
      [],
    );
  });
});

describe('writeVideo: abort', () => {
  test('abort mid-write kills ffmpeg, removes the partial file and rejects with CancelledError', {
    skip: NEEDS_FFMPEG,
  }, async () => {
    const { dir, cleanup } = tempDir('abort');
    try {
      const ac = new AbortController();
      const frames = movingSquare(64, 48, 40);
      const p = writeVideo(
        slowly(frames, (i) => {
          if (i === 6) {
            assert.ok(childProcessNames().includes('ffmpeg'), 'ffmpeg should be encoding when we abort');
            ac.abort(new Error('user pressed stop'));
          }
        }),
        { path: join(dir, 'aborted.mp4'), fps: 16, signal: ac.signal },
      );
      await assert.rejects(p, (e: unknown) => e instanceof CancelledError && /user pressed stop/.test(e.message));
      assert.deepEqual(filesIn(dir), []);
      assert.ok(!childProcessNames().includes('ffmpeg'), `children: ${childProcessNames()}`);
    } finally {
      cleanup();
    }
  });

  test('abort while blocked on a full pipe (encoder not reading) returns promptly and kills it', {
    skip: POSIX_SHELL,
  }, async () => {
    const { dir, cleanup } = tempDir('stall');
    try {
      const fake = join(dir, 'stalled-ffmpeg.sh');
      writeFileSync(fake, '#!/bin/sh\nPATH="/usr/bin:/bin:$PATH"\nexec sleep 30\n');
      chmodSync(fake, 0o755);
      const ac = new AbortController();
      const t0 = Date.now();
      let runningBeforeAbort: string[] = [];
      setTimeout(() => {
        runningBeforeAbort = childProcessNames();
        ac.abort();
      }, 300);
      await assert.rejects(
        writeVideo(movingSquare(320, 240, 20), {
          path: join(dir, 'stalled.mp4'),
          fps: 16,
          locateFfmpeg: async () => fake,
          signal: ac.signal,
        }),
        CancelledError,
      );
      assert.ok(Date.now() - t0 < 5000);
      assert.ok(runningBeforeAbort.includes('sleep'), `children before abort: ${runningBeforeAbort}`);
      assert.deepEqual(filesIn(dir), ['stalled-ffmpeg.sh']);
      assert.ok(!childProcessNames().includes('sleep'), `children: ${childProcessNames()}`);
    } finally {
      cleanup();
    }
  });

  test('abort on the wasm path and with an already aborted signal', async () => {
    const { dir, cleanup } = tempDir('abort-wasm');
    try {
      const ac = new AbortController();
      const p = writeVideo(
        slowly(movingSquare(64, 48, 30), (i) => i === 4 && ac.abort()),
        { path: join(dir, 'w.mp4'), fps: 16, locateFfmpeg: noFfmpeg, signal: ac.signal },
      );
      await assert.rejects(p, CancelledError);
      await assert.rejects(
        writeVideo(movingSquare(8, 8, 1), { path: join(dir, 'never.gif'), fps: 8, signal: AbortSignal.abort() }),
        CancelledError,
      );
      assert.deepEqual(filesIn(dir), []);
    } finally {
      cleanup();
    }
  });
});
