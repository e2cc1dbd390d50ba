// Evaluating a model on the shapes world's held-out combinations: for every
// held-out (colour, shape, motion) triple, single-object scenes drawn from the
// held-out split are prompted in English and Chinese (the same template in both,
// so the two languages differ only in language), generated with a few seeds
// and graded by the world's analytic checker (colour, shape, motion), with
// temporal flicker and diversity across seeds. Image-to-video: the scene's
// rendered first frame is given, and the object must keep its colour and shape
// and move as prompted. The validation split does the same on training triples
// (fresh scenes), so settings and checkpoints can be chosen without looking at
// the held-out figures.
import { throwIfAborted } from '../engine/errors.js';
import type { GenerateRequest } from '../pipelines/types.js';
import type { WanPipeline } from '../pipelines/wan-pipeline.js';
import type { Clip } from '../world/clip.js';
import { frameToRgb } from '../world/clip.js';
import { HELDOUT_TRIPLES, isHeldout, type Triple } from '../world/heldout.js';
import { diversity, temporalFlicker } from '../world/metrics.js';
import { LANGS, type Lang, PROMPT_TEMPLATES, promptFor } from '../world/prompt.js';
import { firstFrame } from '../world/render.js';
import { createRng } from '../world/rng.js';
import { sampleScene } from '../world/sample-scene.js';
import type { Scene } from '../world/scene.js';
import { scoreClip } from '../world/score.js';
import { COLOURS } from '../world/vocab.js';

/**
 * Default sample sizes. 4 scenes × 2 seeds is 96 clips per language: at ~65 % accuracy one
 * standard error of a language gap is ~7 points (~10 with the 48 clips of 2 scenes), so the
 * 5-point language target is still coarse but no longer mostly noise.
 */
export const EVAL_DEFAULTS = { scenes: 4, seeds: 2, imageScenes: 2 } as const;

/** Which combinations an evaluation generates. */
export type EvalSplit = 'heldout' | 'validation';

/**
 * Training triples for choosing settings: each held-out triple with the next colour that makes
 * a training triple, so the shapes and motions are those of the held-out list.
 */
export const VALIDATION_TRIPLES: readonly Triple[] = HELDOUT_TRIPLES.map((t) => {
  const at = COLOURS.indexOf(t.colour);
  for (let k = 1; k < COLOURS.length; k++) {
    const v = { ...t, colour: COLOURS[(at + k) % COLOURS.length] };
    if (!isHeldout(v)) return v;
  }
  throw new Error(`no training colour for ${t.shape} ${t.motion}`);
});

export interface EvalOptions {
  /** Held-out triples (default) or validation (training) triples. */
  readonly split?: EvalSplit;
  /** Scenes per held-out triple (default 4). */
  readonly scenes?: number;
  /** Generation seeds per scene and language (default 2). */
  readonly seeds?: number;
  readonly languages?: readonly Lang[];
  /** Image-to-video scenes per triple, English prompts, first seed only (default 2; 0 skips). */
  readonly imageScenes?: number;
  /** Sampling overrides (default: the model's). */
  readonly steps?: number;
  readonly guideScale?: number;
  /** Text-to-video in two passes (GenerateRequest.firstFrameFirst; default: the model's). */
  readonly firstFrameFirst?: boolean;
  readonly signal?: AbortSignal;
  readonly onCase?: (c: EvalCase, done: number, total: number) => void;
}

/** One generated clip and its verdict. */
export interface EvalCase {
  readonly task: 't2v' | 'i2v';
  readonly triple: Triple;
  readonly scene: number;
  readonly lang: Lang;
  readonly seed: number;
  readonly prompt: string;
  readonly colourOk: boolean;
  readonly shapeOk: boolean;
  readonly motionOk: boolean;
  /** What the checker saw for the target colour. */
  readonly foundShape?: string;
  readonly foundMotion?: string;
  /** Mean absolute frame-to-frame change of background pixels ([-1, 1] units). */
  readonly flicker: number;
  /** I2V: distance between the object's centroid in generated frame 0 and in the given frame (fraction of the side). */
  readonly firstFrameShift?: number;
  readonly seconds: number;
}

/** Accuracy over a group of cases. */
export interface Accuracy {
  readonly n: number;
  readonly colour: number;
  readonly shape: number;
  readonly motion: number;
  /** All three at once. */
  readonly all: number;
  readonly flicker: number;
}

export interface EvalReport {
  readonly model: string;
  readonly settings: {
    readonly split: EvalSplit;
    readonly scenes: number;
    readonly seeds: number;
    readonly steps?: number;
    readonly guideScale?: number;
    readonly firstFrameFirst?: boolean;
  };
  readonly t2v: Readonly<Record<Lang, Accuracy>> & { readonly all: Accuracy };
  /** Per triple of the split, both languages. */
  readonly perTriple: readonly { readonly triple: Triple; readonly accuracy: Accuracy }[];
  /** Mean over (scene, language) groups of the seeds' diversity. */
  readonly diversity: { readonly firstFrame: number; readonly centroid: number };
  readonly i2v?: Accuracy & { readonly firstFrameShift: number };
  readonly cases: readonly EvalCase[];
  /** Mean seconds per generated clip (warm, model resident). */
  readonly secondsPerClip: number;
}

/** Held-out scene k of a triple: single-object scenes from the held-out split, first that shows it. */
export function heldoutScene(triple: Triple, k: number): Scene {
  return firstSceneOf('wanjs-builtin-eval', 'heldout', triple, k);
}

/** Validation scene k of a (training) triple: single-object scenes from the training split. */
export function validationScene(triple: Triple, k: number): Scene {
  return firstSceneOf('wanjs-builtin-validation', 'train', triple, k);
}

/** The first single-object scene of `split`, drawn from the stream `stream`/triple/k, that shows the triple. */
function firstSceneOf(stream: string, split: 'heldout' | 'train', triple: Triple, k: number): Scene {
  const key = `${triple.colour}-${triple.shape}-${triple.motion}`;
  for (let attempt = 0; ; attempt++) {
    const scene = sampleScene(createRng(stream).fork(key).fork(`${k}:${attempt}`), { split, objects: 1 });
    const o = scene.objects[0];
    if (o.colour === triple.colour && o.shape === triple.shape && o.motion === triple.motion) return scene;
  }
}

/**
 * The prompt of an evaluation scene in `lang`. Both languages get the same template (sizes and
 * background named or not), drawn from the scene: a small object named "small" is much harder
 * to draw recognisably than one whose size is left open, so separately drawn templates make the
 * language gap partly a template gap.
 */
export function evalPrompt(scene: Scene, lang: Lang): string {
  return promptFor(scene, lang, { template: createRng(scene.seed).fork('eval-template').int(PROMPT_TEMPLATES) });
}

/** Accuracy of a list of cases. */
export function accuracy(cases: readonly EvalCase[]): Accuracy {
  const n = cases.length;
  const frac = (f: (c: EvalCase) => boolean) => (n ? cases.filter(f).length / n : Number.NaN);
  const flick = cases.filter((c) => Number.isFinite(c.flicker));
  return {
    n,
    colour: frac((c) => c.colourOk),
    shape: frac((c) => c.shapeOk),
    motion: frac((c) => c.motionOk),
    all: frac((c) => c.colourOk && c.shapeOk && c.motionOk),
    flicker: flick.length ? flick.reduce((s, c) => s + c.flicker, 0) / flick.length : Number.NaN,
  };
}

function asClip(video: Float32Array, shape: readonly number[]): Clip {
  return { shape: [...shape], data: video };
}

/** The checker's verdict on a clip of a single-object scene. */
function verdict(
  clip: Clip,
  scene: Scene,
): Pick<EvalCase, 'colourOk' | 'shapeOk' | 'motionOk' | 'foundShape' | 'foundMotion' | 'flicker'> {
  const s = scoreClip(clip, scene).objects[0];
  return {
    colourOk: s.colourOk,
    shapeOk: s.shapeOk,
    motionOk: s.motionOk,
    foundShape: s.found?.shape,
    foundMotion: s.found?.motion,
    flicker: temporalFlicker(clip).background,
  };
}

/** Centroid (normalised) of the target colour in frame 0, from the checker's track. */
function frame0Centroid(clip: Clip, scene: Scene): [number, number] | undefined {
  const s = scoreClip(clip, scene);
  const p = s.objects[0]?.found?.track.find((t) => t.frame === 0);
  return p ? [p.x, p.y] : undefined;
}

/** Runs the evaluation with an open pipeline (keep it 'resident' so components load once). */
export async function evaluateModel(pipe: WanPipeline, o: EvalOptions = {}): Promise<EvalReport> {
  const scenes = o.scenes ?? EVAL_DEFAULTS.scenes;
  const seeds = o.seeds ?? EVAL_DEFAULTS.seeds;
  const langs = o.languages ?? LANGS;
  const imageScenes = o.imageScenes ?? EVAL_DEFAULTS.imageScenes;
  const split = o.split ?? 'heldout';
  const triples = split === 'heldout' ? HELDOUT_TRIPLES : VALIDATION_TRIPLES;
  const sceneOf = split === 'heldout' ? heldoutScene : validationScene;
  const total = triples.length * (scenes * langs.length * seeds + imageScenes);
  const cases: EvalCase[] = [];
  const groups: Clip[][] = [];
  let genSeconds = 0;
  const run = async (req: GenerateRequest): Promise<{ clip: Clip; seconds: number }> => {
    throwIfAborted(o.signal);
    const t = performance.now();
    const res = await pipe.generate(
      { ...req, steps: o.steps, guideScale: o.guideScale, firstFrameFirst: o.firstFrameFirst },
      { signal: o.signal },
    );
    const seconds = (performance.now() - t) / 1000;
    genSeconds += seconds;
    return { clip: asClip(res.video, res.shape), seconds };
  };
  const record = (c: EvalCase) => {
    cases.push(c);
    o.onCase?.(c, cases.length, total);
  };
  for (const triple of triples) {
    for (let k = 0; k < scenes; k++) {
      const scene = sceneOf(triple, k);
      for (const lang of langs) {
        const prompt = evalPrompt(scene, lang);
        const clips: Clip[] = [];
        for (let seed = 0; seed < seeds; seed++) {
          const { clip, seconds } = await run({ prompt, seed });
          clips.push(clip);
          record({ task: 't2v', triple, scene: k, lang, seed, prompt, seconds, ...verdict(clip, scene) });
        }
        groups.push(clips);
      }
    }
    for (let k = 0; k < imageScenes; k++) {
      const scene = sceneOf(triple, scenes + k);
      const frame = firstFrame(scene);
      const [, , height, width] = frame.shape;
      const prompt = evalPrompt(scene, 'en');
      const { clip, seconds } = await run({ prompt, seed: 0, image: { width, height, data: frameToRgb(frame, 0) } });
      const want = frame0Centroid(frame, scene);
      const got = frame0Centroid(clip, scene);
      record({
        task: 'i2v',
        triple,
        scene: scenes + k,
        lang: 'en',
        seed: 0,
        prompt,
        seconds,
        ...verdict(clip, scene),
        firstFrameShift: want && got ? Math.hypot(want[0] - got[0], want[1] - got[1]) : Number.NaN,
      });
    }
  }
  const t2v = cases.filter((c) => c.task === 't2v');
  const i2v = cases.filter((c) => c.task === 'i2v');
  const divs = groups.filter((g) => g.length > 1).map((g) => diversity(g));
  const meanOf = (xs: number[]) => {
    const f = xs.filter((x) => Number.isFinite(x));
    return f.length ? f.reduce((a, b) => a + b, 0) / f.length : Number.NaN;
  };
  const byLang = Object.fromEntries(langs.map((l) => [l, accuracy(t2v.filter((c) => c.lang === l))])) as Record<
    Lang,
    Accuracy
  >;
  return {
    model: pipe.name,
    settings: { split, scenes, seeds, steps: o.steps, guideScale: o.guideScale, firstFrameFirst: o.firstFrameFirst },
    t2v: { ...byLang, all: accuracy(t2v) },
    perTriple: triples.map((triple) => ({
      triple,
      accuracy: accuracy(t2v.filter((c) => c.triple === triple)),
    })),
    diversity: { firstFrame: meanOf(divs.map((d) => d.firstFrame)), centroid: meanOf(divs.map((d) => d.centroid)) },
    i2v: i2v.length
      ? { ...accuracy(i2v), firstFrameShift: meanOf(i2v.map((c) => c.firstFrameShift ?? Number.NaN)) }
      : undefined,
    cases,
    secondsPerClip: cases.length ? genSeconds / cases.length : Number.NaN,
  };
}
