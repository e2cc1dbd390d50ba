// The data set: an endless, random-access stream of (scene, prompt, clip) samples. Sample i is a
// function of (seed, split, i) alone, so shards, restarts and parallel readers agree.
import { InputError, throwIfAborted } from '../engine/errors.js';
import type { Clip } from './clip.js';
import { LANGS, type Lang, promptFor } from './prompt.js';
import { renderClip } from './render.js';
import { createRng } from './rng.js';
import { type SampleSceneOptions, type Split, sampleScene } from './sample-scene.js';
import type { Scene } from './scene.js';

export interface DatasetOptions {
  readonly seed: number | string;
  readonly split?: Split;
  /** Number of samples to yield (default: endless). */
  readonly count?: number;
  /** Index of the first sample (default 0). */
  readonly start?: number;
  readonly frames?: number;
  readonly width?: number;
  readonly height?: number;
  /** Languages to draw each sample's prompt language from (default both). */
  readonly languages?: readonly Lang[];
  /** Force one or two objects per scene; see SampleSceneOptions. */
  readonly objects?: 1 | 2;
  readonly twoObjectRate?: number;
  /** Skip rendering (clip is then absent): for fast scans of scenes and prompts. */
  readonly render?: boolean;
  readonly signal?: AbortSignal;
}

export interface DatasetItem {
  readonly index: number;
  readonly scene: Scene;
  readonly prompt: string;
  readonly lang: Lang;
  /** [3, F, H, W] in [-1, 1]; absent when `render` is false. */
  readonly clip?: Clip;
}

/** Sample `index` of the data set described by `options` (count and start are ignored). */
export function datasetSample(options: DatasetOptions, index: number): DatasetItem {
  const split = options.split ?? 'train';
  const languages = options.languages ?? LANGS;
  if (languages.length === 0 || languages.some((l) => !LANGS.includes(l))) {
    throw new InputError(`datasetSample: languages must be a non-empty list of 'en'/'zh', found [${languages}]`);
  }
  const rng = createRng(options.seed).fork(split).fork(`sample:${index}`);
  const sceneOptions: SampleSceneOptions = { split, objects: options.objects, twoObjectRate: options.twoObjectRate };
  const scene = sampleScene(rng.fork('scene'), sceneOptions);
  const lang = rng.fork('lang').pick(languages);
  const prompt = promptFor(scene, lang);
  if (options.render === false) return { index, scene, prompt, lang };
  const clip = renderClip(scene, {
    frames: options.frames,
    width: options.width,
    height: options.height,
    signal: options.signal,
  });
  return { index, scene, prompt, lang, clip };
}

/** Yields samples start, start+1, … (count of them, or forever). */
export function* datasetIterator(options: DatasetOptions): Generator<DatasetItem> {
  const start = options.start ?? 0;
  const count = options.count ?? Number.POSITIVE_INFINITY;
  if (!Number.isInteger(start) || start < 0) {
    throw new InputError(`datasetIterator: start must be a non-negative integer, found ${start}`);
  }
  if (!(count >= 0) || (Number.isFinite(count) && !Number.isInteger(count))) {
    throw new InputError(`datasetIterator: count must be a non-negative integer, found ${count}`);
  }
  for (let i = 0; i < count; i++) {
    throwIfAborted(options.signal);
    yield datasetSample(options, start + i);
  }
}
