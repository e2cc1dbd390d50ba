// The closed vocabulary of the shapes world: every colour, shape, size, motion and background a
// scene can use, with the English and Chinese words the prompts use for it.

/** An sRGB colour, each channel an integer in 0..255. */
export type Rgb = readonly [number, number, number];

/** Object colours. Chosen far apart in RGB (nearest pair ≥ 95/255) and bright, so that segmentation
 * against the dark backgrounds is reliable even on anti-aliased edges. */
export const COLOURS = ['red', 'green', 'blue', 'yellow', 'purple', 'orange', 'white', 'cyan'] as const;
export type ColourName = (typeof COLOURS)[number];

export const SHAPES = ['circle', 'square', 'triangle', 'star'] as const;
export type ShapeName = (typeof SHAPES)[number];

export const SIZES = ['small', 'medium', 'large'] as const;
export type SizeName = (typeof SIZES)[number];

/** Motions. Diagonals are four separate motions (exact 45° headings). `bounce` moves along one axis
 * and reverses once at the frame edge; `rotate` turns by a quarter turn over the clip. */
export const MOTIONS = [
  'still',
  'left',
  'right',
  'up',
  'down',
  'up-left',
  'up-right',
  'down-left',
  'down-right',
  'bounce',
  'grow',
  'shrink',
  'rotate',
] as const;
export type MotionName = (typeof MOTIONS)[number];

/** Backgrounds: solid, dark and low in saturation, so no object colour is near any of them. */
export const BACKGROUNDS = ['black', 'gray', 'navy', 'forest'] as const;
export type BackgroundName = (typeof BACKGROUNDS)[number];

/** One palette entry: a name and its colour; the checker segments clips against a list of these. */
export interface PaletteEntry {
  readonly name: string;
  readonly rgb: Rgb;
}

/** Render colour of each object colour. */
export const COLOUR_RGB: Readonly<Record<ColourName, Rgb>> = {
  red: [230, 30, 30],
  green: [30, 200, 50],
  blue: [40, 80, 250],
  yellow: [245, 225, 30],
  purple: [150, 50, 220],
  orange: [250, 130, 10],
  white: [245, 245, 245],
  cyan: [20, 220, 230],
};

/** Render colour of each background. */
export const BACKGROUND_RGB: Readonly<Record<BackgroundName, Rgb>> = {
  black: [0, 0, 0],
  gray: [45, 45, 48],
  navy: [12, 18, 60],
  forest: [12, 45, 25],
};

/** The default palette of the checker: every object colour of the world. */
export const WORLD_PALETTE: readonly PaletteEntry[] = COLOURS.map((name) => ({ name, rgb: COLOUR_RGB[name] }));

/** Radius of the equal-area circle of each size, as a fraction of min(width, height). Every shape of a
 * given size has the same area, so apparent size does not depend on the shape. The smallest is what an
 * 8× VAE can still carry at 64×64 (≈ 2 latent pixels across); below it the shape is lost in the latent. */
export const SIZE_RADIUS: Readonly<Record<SizeName, number>> = {
  small: 0.11,
  medium: 0.145,
  large: 0.18,
};

/** English and Chinese words for each vocabulary item. */
export interface Words {
  readonly en: string;
  readonly zh: string;
}

export const COLOUR_WORDS: Readonly<Record<ColourName, Words>> = {
  red: { en: 'red', zh: '红色' },
  green: { en: 'green', zh: '绿色' },
  blue: { en: 'blue', zh: '蓝色' },
  yellow: { en: 'yellow', zh: '黄色' },
  purple: { en: 'purple', zh: '紫色' },
  orange: { en: 'orange', zh: '橙色' },
  white: { en: 'white', zh: '白色' },
  cyan: { en: 'cyan', zh: '青色' },
};

export const SHAPE_WORDS: Readonly<Record<ShapeName, Words>> = {
  circle: { en: 'circle', zh: '圆形' },
  square: { en: 'square', zh: '正方形' },
  triangle: { en: 'triangle', zh: '三角形' },
  star: { en: 'star', zh: '星形' },
};

export const SIZE_WORDS: Readonly<Record<SizeName, Words>> = {
  small: { en: 'small', zh: '小的' },
  medium: { en: 'medium-sized', zh: '中等大小的' },
  large: { en: 'large', zh: '大的' },
};

/** Motion phrases. English phrases follow the subject ("a red circle moving left"); Chinese phrases
 * follow the subject too ("一个红色的圆形向左移动"). Several variants each; prompts pick one. */
export const MOTION_WORDS: Readonly<Record<MotionName, { en: readonly string[]; zh: readonly string[] }>> = {
  still: { en: ['staying still', 'standing still'], zh: ['静止不动', '保持不动'] },
  left: { en: ['moving left', 'sliding to the left'], zh: ['向左移动', '向左滑动'] },
  right: { en: ['moving right', 'sliding to the right'], zh: ['向右移动', '向右滑动'] },
  up: { en: ['moving up', 'rising'], zh: ['向上移动', '向上升'] },
  down: { en: ['moving down', 'falling'], zh: ['向下移动', '向下落'] },
  'up-left': { en: ['moving up and to the left'], zh: ['向左上方移动'] },
  'up-right': { en: ['moving up and to the right'], zh: ['向右上方移动'] },
  'down-left': { en: ['moving down and to the left'], zh: ['向左下方移动'] },
  'down-right': { en: ['moving down and to the right'], zh: ['向右下方移动'] },
  bounce: { en: ['bouncing', 'bouncing off the edge'], zh: ['在弹跳', '碰到边缘后弹回'] },
  grow: { en: ['growing', 'getting bigger'], zh: ['在变大', '逐渐变大'] },
  shrink: { en: ['shrinking', 'getting smaller'], zh: ['在变小', '逐渐变小'] },
  rotate: { en: ['rotating', 'spinning'], zh: ['在旋转', '在转动'] },
};

export const BACKGROUND_WORDS: Readonly<Record<BackgroundName, Words>> = {
  black: { en: 'black', zh: '黑色' },
  gray: { en: 'dark gray', zh: '深灰色' },
  navy: { en: 'navy blue', zh: '深蓝色' },
  forest: { en: 'dark green', zh: '深绿色' },
};
