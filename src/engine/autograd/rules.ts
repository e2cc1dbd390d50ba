// The gradient rule of every primitive the engine emits, by ONNX op type.

import type { GradRule } from './rule.js';
import { ELEMENTWISE_RULES } from './rules-elementwise.js';
import { LINEAR_RULES } from './rules-linear.js';
import { MOVEMENT_RULES } from './rules-movement.js';
import { NN_RULES } from './rules-nn.js';
import { REDUCE_RULES } from './rules-reduce.js';

export const GRAD_RULES: Readonly<Record<string, GradRule>> = {
  ...ELEMENTWISE_RULES,
  ...MOVEMENT_RULES,
  ...REDUCE_RULES,
  ...LINEAR_RULES,
  ...NN_RULES,
};

/** Ops whose outputs never carry a gradient (comparisons, integer results). */
export const NON_DIFFERENTIABLE: ReadonlySet<string> = new Set(['Less', 'Equal', 'GreaterOrEqual', 'Greater', 'Sign']);
