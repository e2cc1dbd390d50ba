import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { CancelledError, InputError } from '../../src/engine/errors.js';
import type { RgbFrame } from '../../src/media/frame.js';
import { MediaError } from '../../src/media/media-error.js';
import { readImage, readImageRgb } from '../../src/media/read-image.js';
import { readVideoFrames } from '../../src/media/read-video.js';
import { rgbToPlanar } from '../../src/media/tensor-convert.js';
import { writeVideo } from '../../src/media/write-video.js';
import { childProcessNames, hasCommand, meanRgb, movingSquare, RED, tempDir } from './helpers.js';

const NEEDS_FFMPEG = hasCommand('ffmpeg') && hasCommand('ffprobe') ? false : 'ffmpeg/ffprobe are not installed';

let tmp: { dir: string; cleanup: () => void };
before(() => {
  tmp = tempDir('read');
});
after(() => tmp.cleanup());

/** A 5×3 image whose every byte differs. */
function pattern(width = 5, height = 3): RgbFrame {
  return { width, height, data: new Uint8Array(width * height * 3).map((_, i) => (i * 37 + 11) % 256) };
}

describe('readImage', () => {
  test('PNG → [3, H, W] in [-1, 1] with the official rule, planar layout', async () => {
    const img = pattern();
    const path = join(tmp.dir, 'p.png');
    await sharp(img.data, { raw: { width: 5, height: 3, channels: 3 } })
      .png()
      .toFile(path);
    const t = await readImage(path);
    assert.deepEqual([t.width, t.height, t.data.length], [5, 3, 45]);
    assert.deepEqual([...t.data], [...rgbToPlanar(img).data]);
    // Channel 1 of pixel (x=2, y=1) sits at 1·H·W + 1·W + 2.
    const b = img.data[(1 * 5 + 2) * 3 + 1];
    assert.equal(t.data[15 + 5 + 2], Math.fround(Math.fround(b / 255) - 0.5) / 0.5);
  });

  test('alpha is dropped keeping the stored colour, or composited onto a background', async () => {
    const rgba = new Uint8Array([200, 100, 50, 0, 10, 20, 30, 255]);
    const path = join(tmp.dir, 'a.png');
    await sharp(rgba, { raw: { width: 2, height: 1, channels: 4 } })
      .png()
      .toFile(path);
    assert.deepEqual([...(await readImageRgb(path)).data], [200, 100, 50, 10, 20, 30]);
    assert.deepEqual(
      [...(await readImageRgb(path, { background: [255, 255, 255] })).data],
      [255, 255, 255, 10, 20, 30],
    );
    await assert.rejects(readImageRgb(path, { background: [0, 0, 256] }), InputError);
  });

  test('greyscale becomes 3 equal channels', async () => {
    const path = join(tmp.dir, 'g.png');
    await sharp(new Uint8Array([0, 77, 255]), { raw: { width: 3, height: 1, channels: 1 } })
      .png()
      .toFile(path);
    const f = await readImageRgb(path);
    assert.deepEqual([...f.data], [0, 0, 0, 77, 77, 77, 255, 255, 255]);
  });

  test('EXIF orientation is applied by default and can be turned off', async () => {
    const path = join(tmp.dir, 'o.jpg');
    await sharp(pattern(6, 2).data, { raw: { width: 6, height: 2, channels: 3 } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toFile(path);
    const upright = await readImageRgb(path);
    assert.deepEqual([upright.width, upright.height], [2, 6]);
    const raw = await readImageRgb(path, { autoOrient: false });
    assert.deepEqual([raw.width, raw.height], [6, 2]);
  });

  test('errors name the file', async () => {
    const missing = join(tmp.dir, 'missing.png');
    await assert.rejects(
      readImage(missing),
      (e: unknown) => e instanceof InputError && e.message.startsWith(`cannot read image '${missing}': `),
    );
    const junk = join(tmp.dir, 'junk.png');
    writeFileSync(junk, 'not an image');
    await assert.rejects(readImage(junk), /cannot read image '.*junk\.png': /);
  });
});

describe('readVideoFrames', { skip: NEEDS_FFMPEG }, () => {
  let clip: string;
  before(async () => {
    clip = join(tmp.dir, 'src.mp4');
    await writeVideo(movingSquare(64, 48, 17), { path: clip, fps: 16, sidecar: false });
  });

  test('decodes every frame at the native size', async () => {
    const frames: RgbFrame[] = [];
    for await (const f of readVideoFrames(clip)) frames.push(f);
    assert.equal(frames.length, 17);
    assert.deepEqual([frames[0].width, frames[0].height, frames[0].data.length], [64, 48, 64 * 48 * 3]);
    const red = meanRgb(frames[3], 8, 12, 16, 20); // square spans x 6..17 in frame 3
    for (let c = 0; c < 3; c++) assert.ok(Math.abs(red[c] - RED[c]) < 12, `red ${red}`);
  });

  test('resizes, resamples the frame rate and stops at maxFrames', async () => {
    const frames: RgbFrame[] = [];
    for await (const f of readVideoFrames(clip, { width: 32, fps: 8 })) frames.push(f);
    assert.deepEqual([frames[0].width, frames[0].height], [32, 24]);
    assert.ok(frames.length >= 8 && frames.length <= 10, `${frames.length} frames at 8 fps`);
    let n = 0;
    for await (const f of readVideoFrames(clip, { width: 20, height: 10, maxFrames: 5 })) {
      assert.deepEqual([f.width, f.height], [20, 10]);
      n++;
    }
    assert.equal(n, 5);
  });

  test('breaking out early and aborting both stop ffmpeg', async () => {
    for await (const _ of readVideoFrames(clip)) break;
    assert.ok(!childProcessNames().includes('ffmpeg'));
    const ac = new AbortController();
    const seen: number[] = [];
    await assert.rejects(async () => {
      for await (const f of readVideoFrames(clip, { signal: ac.signal })) {
        seen.push(f.width);
        ac.abort();
      }
    }, CancelledError);
    assert.equal(seen.length, 1);
    assert.ok(!childProcessNames().includes('ffmpeg'));
  });

  test('unreadable input is a MediaError with ffprobe/ffmpeg output', async () => {
    const junk = join(tmp.dir, 'junk.mp4');
    writeFileSync(junk, 'not a video');
    await assert.rejects(
      async () => {
        for await (const _ of readVideoFrames(junk)) {
          // unreachable
        }
      },
      (e: unknown) => e instanceof MediaError && e.message.includes('junk.mp4') && /could not probe/.test(e.message),
    );
    await assert.rejects(
      async () => {
        for await (const _ of readVideoFrames(junk, { width: 8, height: 8 })) {
          // unreachable
        }
      },
      (e: unknown) => e instanceof MediaError && /could not decode the input/.test(e.message),
    );
    await assert.rejects(async () => {
      for await (const _ of readVideoFrames(clip, { fps: -1 })) {
        // unreachable
      }
    }, InputError);
  });
});
