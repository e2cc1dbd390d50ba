// Rasterizes scenes into clips. Edges are anti-aliased by supersampling: each pixel averages an
// s×s grid of point tests (s = 4 by default, 16 samples), which keeps 64×64 shapes clean.
import { InputError, throwIfAborted } from '../engine/errors.js';
import type { Clip } from './clip.js';
import { pixelCoverage, shapeExtent } from './geometry.js';
import type { Scene, SceneObject } from './scene.js';
import { frameTime, objectStateAt } from './trajectory.js';
import { BACKGROUND_RGB, COLOUR_RGB } from './vocab.js';

export interface RenderOptions {
  /** Frame count (default 17). */
  readonly frames?: number;
  /** Frame width in pixels (default 64). */
  readonly width?: number;
  /** Frame height in pixels (default 64). */
  readonly height?: number;
  /** Supersampling grid per axis (default 4). */
  readonly supersample?: number;
  readonly signal?: AbortSignal;
}

/** Renders a scene into a clip [3, F, H, W] in [-1, 1]. */
export function renderClip(scene: Scene, options: RenderOptions = {}): Clip {
  const frames = positiveInt(options.frames ?? 17, 'frames');
  const width = positiveInt(options.width ?? 64, 'width');
  const height = positiveInt(options.height ?? 64, 'height');
  const ss = positiveInt(options.supersample ?? 4, 'supersample');
  const plane = width * height;
  const data = new Float32Array(3 * frames * plane);
  const rgb = new Float32Array(plane * 3);
  for (let f = 0; f < frames; f++) {
    throwIfAborted(options.signal);
    const bg = BACKGROUND_RGB[scene.background];
    for (let i = 0; i < plane; i++) {
      rgb[i * 3] = bg[0];
      rgb[i * 3 + 1] = bg[1];
      rgb[i * 3 + 2] = bg[2];
    }
    const t = frameTime(f, frames);
    for (const obj of scene.objects) drawObject(rgb, width, height, obj, t, ss);
    for (let c = 0; c < 3; c++) {
      const base = (c * frames + f) * plane;
      for (let i = 0; i < plane; i++) data[base + i] = rgb[i * 3 + c] / 127.5 - 1;
    }
  }
  return { shape: [3, frames, height, width], data };
}

/** The first frame of the clip `renderClip` would give, as a one-frame clip [3, 1, H, W] (the
 * conditioning image of image-to-video). Equal to frame 0 of the full clip. */
export function firstFrame(scene: Scene, options: Omit<RenderOptions, 'frames'> = {}): Clip {
  return renderClip(scene, { ...options, frames: 1 });
}

/** Composites one object over interleaved RGB (0..255 floats) with supersampled coverage. */
function drawObject(rgb: Float32Array, width: number, height: number, obj: SceneObject, t: number, ss: number): void {
  const st = objectStateAt(obj, t);
  const unit = Math.min(width, height);
  const cx = st.x * width;
  const cy = st.y * height;
  const r = obj.radius * st.scale * unit;
  if (!(r > 0)) return;
  const reach = r * shapeExtent(obj.shape) + 1;
  const x0 = Math.max(0, Math.floor(cx - reach));
  const x1 = Math.min(width - 1, Math.ceil(cx + reach));
  const y0 = Math.max(0, Math.floor(cy - reach));
  const y1 = Math.min(height - 1, Math.ceil(cy + reach));
  const cos = Math.cos(st.angle);
  const sin = Math.sin(st.angle);
  const colour = COLOUR_RGB[obj.colour];
  for (let py = y0; py <= y1; py++) {
    for (let px = x0; px <= x1; px++) {
      const a = pixelCoverage(obj.shape, px + 0.5 - cx, py + 0.5 - cy, r, cos, sin, ss);
      if (a === 0) continue;
      const k = (py * width + px) * 3;
      for (let c = 0; c < 3; c++) rgb[k + c] += (colour[c] - rgb[k + c]) * a;
    }
  }
}

function positiveInt(v: number, name: string): number {
  if (!Number.isInteger(v) || v < 1) throw new InputError(`renderClip: ${name} must be a positive integer, found ${v}`);
  return v;
}
