/**
 * The shapes world: a procedural source of small captioned video clips (coloured shapes moving on
 * dark backgrounds) for training wanjs's built-in tiny model, and an analytic checker that grades
 * any clip — generated or rendered — by colour, shape and motion.
 *
 * Everything is deterministic: randomness comes only from {@link createRng} streams (xoshiro128**,
 * seeded from text keys, forked by label).
 *
 * Typical use:
 * ```ts
 * for (const { scene, prompt, clip } of datasetIterator({ seed: 1, split: 'train', count: 1000 })) train(prompt, clip);
 * const score = scoreClip(generatedClip, heldoutScene); // { colourOk, shapeOk, motionOk, objects }
 * ```
 * @module
 */

export {
  type AnalyzeOptions,
  analyzeClip,
  type ClipAnalysis,
  type ObjectAnalysis,
  type TrackPoint,
} from './analyze.js';
export { type Blob, blobOf, softIou } from './blob.js';
export { type Clip, type ClipDims, clipDims, clipFromRgb, clipToRgb, frameToRgb } from './clip.js';
export { type DatasetItem, type DatasetOptions, datasetIterator, datasetSample } from './dataset.js';
export { insideShape, outlineBound, pixelCoverage, shapeExtent, shapeSymmetry } from './geometry.js';
export { HELDOUT_TRIPLES, isHeldout, type Triple } from './heldout.js';
export { type Diversity, diversity, type Flicker, temporalFlicker } from './metrics.js';
export {
  classifyMotion,
  type MotionFeatures,
  type MotionThresholds,
  motionFeatures,
} from './motion-classify.js';
export { LANGS, type Lang, PROMPT_TEMPLATES, type PromptOptions, promptFor } from './prompt.js';
export { firstFrame, type RenderOptions, renderClip } from './render.js';
export { createRng, type Rng, xoshiro128ssNext } from './rng.js';
export { headingOf, motionsFor, type SampleSceneOptions, type Split, sampleScene } from './sample-scene.js';
export type { ObjectState, Scene, SceneObject } from './scene.js';
export { type ClipScore, type ObjectScore, scoreClip } from './score.js';
export { type Segmentation, type SegmentOptions, segmentClip } from './segment.js';
export { classifyShape, type ShapeFeatures, shapeFeatures } from './shape-classify.js';
export { EDGE_MARGIN, frameTime, objectExtent, objectStateAt } from './trajectory.js';
export {
  BACKGROUND_RGB,
  BACKGROUND_WORDS,
  BACKGROUNDS,
  type BackgroundName,
  COLOUR_RGB,
  COLOUR_WORDS,
  COLOURS,
  type ColourName,
  MOTION_WORDS,
  MOTIONS,
  type MotionName,
  type PaletteEntry,
  type Rgb,
  SHAPE_WORDS,
  SHAPES,
  type ShapeName,
  SIZE_RADIUS,
  SIZE_WORDS,
  SIZES,
  type SizeName,
  WORLD_PALETTE,
  type Words,
} from './vocab.js';
