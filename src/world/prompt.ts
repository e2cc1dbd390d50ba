// Text prompts for scenes, in English and Chinese. The template (with or without size, with or
// without background) and the motion wording are drawn from a stream keyed by the scene's seed and
// the language, so a scene always gets the same prompt in a given language.
import { InputError } from '../engine/errors.js';
import { createRng, type Rng } from './rng.js';
import type { Scene, SceneObject } from './scene.js';
import { BACKGROUND_WORDS, COLOUR_WORDS, MOTION_WORDS, SHAPE_WORDS, SIZE_WORDS } from './vocab.js';

/** Prompt languages. */
export type Lang = 'en' | 'zh';
export const LANGS: readonly Lang[] = ['en', 'zh'];

/** Number of templates per language: bit 0 says whether sizes are named, bit 1 the background. */
export const PROMPT_TEMPLATES = 4;

export interface PromptOptions {
  /** Force a template in [0, PROMPT_TEMPLATES) instead of the seeded choice. */
  readonly template?: number;
}

/**
 * The prompt for a scene, e.g. "a small blue square bouncing on a black background" or
 * "黑色背景上一个小的蓝色正方形在弹跳"; two objects are joined ("… and …", "…，…").
 */
export function promptFor(scene: Scene, lang: Lang, options: PromptOptions = {}): string {
  if (lang !== 'en' && lang !== 'zh') throw new InputError(`promptFor: lang must be 'en' or 'zh', found '${lang}'`);
  const rng = createRng(scene.seed).fork(`prompt-${lang}`);
  const drawn = rng.int(PROMPT_TEMPLATES);
  const template = options.template ?? drawn;
  if (!Number.isInteger(template) || template < 0 || template >= PROMPT_TEMPLATES) {
    throw new InputError(`promptFor: template must be an integer in [0, ${PROMPT_TEMPLATES}), found ${template}`);
  }
  const withSize = (template & 1) !== 0;
  const withBackground = (template & 2) !== 0;
  const clauses = scene.objects.map((o) => clause(o, lang, withSize, rng));
  const bg = BACKGROUND_WORDS[scene.background][lang];
  if (lang === 'en') {
    const body = clauses.join(' and ');
    return withBackground ? `${body} on a ${bg} background` : body;
  }
  const body = clauses.join('，');
  if (!withBackground) return body;
  return clauses.length > 1 ? `${bg}背景上，${body}` : `${bg}背景上${body}`;
}

function clause(o: SceneObject, lang: Lang, withSize: boolean, rng: Rng): string {
  const colour = COLOUR_WORDS[o.colour][lang];
  const shape = SHAPE_WORDS[o.shape][lang];
  const size = SIZE_WORDS[o.size][lang];
  const motion = rng.pick(MOTION_WORDS[o.motion][lang]);
  if (lang === 'en') {
    const noun = withSize ? `${size} ${colour} ${shape}` : `${colour} ${shape}`;
    return `${/^[aeiou]/.test(noun) ? 'an' : 'a'} ${noun} ${motion}`;
  }
  return withSize ? `一个${size}${colour}${shape}${motion}` : `一个${colour}的${shape}${motion}`;
}
