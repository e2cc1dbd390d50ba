// Parity runner for the `sched_*` cases: replays an official scheduler run by
// feeding the recorded model outputs (never re-evaluating the stand-in model)
// and compares the grid and every intermediate sample.
import { throwIfAborted, WanError } from '../engine/errors.js';
import { HostTensor, numel, shapeText, toFloat32 } from '../engine/host-tensor.js';
import { createScheduler, dpmSigmaGrid, type SchedulerName } from '../schedulers/index.js';
import type { ParityCase, ParityOutput, ParityRunner } from './types.js';

/** Scheduler trajectories: INDEX.md's tolerance for scheduler files. */
const TRAJECTORY_TOL = { atol: 1e-5, rtol: 1e-5 } as const;
/** Grids are computed with the same float64 operations, so they must agree to the last bit. */
const EXACT = { atol: 0, rtol: 0 } as const;

const SOLVERS: Readonly<Record<string, SchedulerName>> = {
  FlowUniPCMultistepScheduler: 'unipc',
  FlowDPMSolverMultistepScheduler: 'dpm++',
  unipc: 'unipc',
  'dpm++': 'dpm++',
  euler: 'euler',
};

function tensor(c: ParityCase, name: string): HostTensor {
  const t = c.tensors.get(name);
  if (!t) throw new WanError('E_PARITY', `${c.file}: case '${c.name}' has no tensor '${name}'`);
  return t;
}

function configNumber(c: ParityCase, key: string): number {
  const v = c.config[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new WanError('E_PARITY', `${c.file}: config.${key} must be a finite number, found ${JSON.stringify(v)}`);
  }
  return v;
}

function solverOf(c: ParityCase): SchedulerName {
  const s = c.config.solver;
  const name = typeof s === 'string' ? SOLVERS[s] : undefined;
  if (!name) {
    throw new WanError(
      'E_PARITY',
      `${c.file}: config.solver must be one of ${Object.keys(SOLVERS).join(', ')}, found ${JSON.stringify(s)}`,
    );
  }
  return name;
}

/**
 * Runs a `sched_*` case: builds the sampler from `config.solver/steps/shift`,
 * starts from `input.x_init` and at step i uses `output.model_outputs[i]`.
 * Returns `output.sigmas`, `output.timesteps`, `output.samples`, `output.final`
 * and, when the case has it, `output.sampling_sigmas`.
 */
export const runSchedCase: ParityRunner = async (c, ctx) => {
  const solver = solverOf(c);
  const steps = configNumber(c, 'steps');
  const shift = configNumber(c, 'shift');
  const x0 = toFloat32(tensor(c, 'input.x_init'));
  const vs = toFloat32(tensor(c, 'output.model_outputs'));
  const n = numel(x0.shape);
  if (vs.shape.length < 1 || vs.shape[0] !== steps || numel(vs.shape.slice(1)) !== n) {
    throw new WanError(
      'E_PARITY',
      `${c.file}: output.model_outputs has shape ${shapeText(vs.shape)}; expected [${steps}, ...${shapeText(x0.shape)}] (steps = ${steps})`,
    );
  }

  const sched = createScheduler(solver, { steps, shift });
  const samples = new Float32Array(n * (steps + 1));
  samples.set(x0.data, 0);
  let x = x0.data;
  for (let i = 0; i < steps; i++) {
    throwIfAborted(ctx.signal);
    x = sched.step(vs.data.subarray(i * n, (i + 1) * n), x);
    samples.set(x, (i + 1) * n);
  }

  const out: ParityOutput[] = [
    {
      name: 'output.sigmas',
      actual: HostTensor.f32([steps + 1], sched.sigmas),
      expected: tensor(c, 'output.sigmas'),
      ...EXACT,
    },
    {
      name: 'output.timesteps',
      actual: HostTensor.i64([steps], sched.timesteps),
      expected: tensor(c, 'output.timesteps'),
      ...EXACT,
    },
    {
      name: 'output.samples',
      actual: HostTensor.f32([steps + 1, ...x0.shape], samples),
      expected: tensor(c, 'output.samples'),
      ...TRAJECTORY_TOL,
    },
    {
      name: 'output.final',
      actual: HostTensor.f32(x0.shape, x),
      expected: tensor(c, 'output.final'),
      ...TRAJECTORY_TOL,
    },
  ];
  if (c.tensors.has('output.sampling_sigmas')) {
    out.push({
      name: 'output.sampling_sigmas',
      actual: new HostTensor('float64', [steps], Float64Array.from(dpmSigmaGrid(steps, shift).shifted)),
      expected: tensor(c, 'output.sampling_sigmas'),
      ...EXACT,
    });
  }
  return out;
};
