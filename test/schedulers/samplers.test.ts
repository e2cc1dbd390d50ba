import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createScheduler,
  FlowDPMSolverScheduler,
  FlowEulerScheduler,
  type FlowScheduler,
  FlowUniPCScheduler,
  initialStepIndex,
  SCHEDULER_NAMES,
  SchedulerInputError,
  type SchedulerName,
} from '../../src/schedulers/index.js';

/** Deterministic pseudo-random float32 values in [-2, 2). */
function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32) * 4 - 2;
  }
  return out;
}

/** A fixed nonlinear stand-in for the DiT: v = tanh(x) + 0.5·(t/1000)·x − 0.1. */
function fakeModel(x: Float32Array, t: number): Float32Array {
  return x.map((v) => Math.tanh(v) + 0.5 * (t / 1000) * v - 0.1);
}

function run(s: FlowScheduler, x: Float32Array): Float32Array {
  for (const t of s.timesteps) x = s.step(fakeModel(x, t), x);
  return x;
}

describe('createScheduler', () => {
  it('builds each scheduler with its grid', () => {
    assert.ok(createScheduler('unipc', { steps: 5, shift: 5 }) instanceof FlowUniPCScheduler);
    assert.ok(createScheduler('dpm++', { steps: 5, shift: 5 }) instanceof FlowDPMSolverScheduler);
    assert.ok(createScheduler('euler', { steps: 5, shift: 5 }) instanceof FlowEulerScheduler);
    assert.ok(createScheduler('unipc', { steps: 5, shift: 5 }).sigmas[0] < 1);
    assert.equal(createScheduler('dpm++', { steps: 5, shift: 5 }).sigmas[0], 1);
    assert.equal(createScheduler('euler', { steps: 5, shift: 5 }).sigmas[0], 1);
    assert.deepEqual(SCHEDULER_NAMES, ['unipc', 'dpm++', 'euler']);
  });

  it('rejects unknown names and bad options', () => {
    assert.throws(
      () => createScheduler('ddim' as SchedulerName, { steps: 5, shift: 5 }),
      (e) => e instanceof SchedulerInputError && /unknown scheduler "ddim"; expected one of 'unipc'/.test(e.message),
    );
    for (const name of SCHEDULER_NAMES) {
      assert.throws(() => createScheduler(name, { steps: 0, shift: 5 }), /'steps' must be an integer >= 1, got 0/);
      assert.throws(() => createScheduler(name, { steps: 2.5, shift: 5 }), /'steps' .* got 2\.5/);
      assert.throws(() => createScheduler(name, { steps: 5, shift: 0 }), /'shift' must be a finite number > 0, got 0/);
      assert.throws(() => createScheduler(name, { steps: 5, shift: -2 }), /got -2/);
      assert.throws(() => createScheduler(name, { steps: 5, shift: Number.NaN }), /got NaN/);
    }
  });
});

for (const name of SCHEDULER_NAMES) {
  describe(`${name} scheduler`, () => {
    it('checks step inputs', () => {
      const s = createScheduler(name, { steps: 3, shift: 3 });
      const err = (re: RegExp) => (e: unknown) =>
        e instanceof SchedulerInputError && e.code === 'E_INPUT' && re.test(e.message);
      assert.throws(
        () => s.step(new Float32Array(4), new Float32Array(5)),
        err(/modelOutput has 4 elements but sample has 5/),
      );
      assert.throws(() => s.step([1, 2] as unknown as Float32Array, new Float32Array(2)), err(/must be Float32Arrays/));
      assert.equal(s.stepIndex, 0, 'a rejected step does not advance');
      s.step(new Float32Array(4), new Float32Array(4));
      assert.throws(
        () => s.step(new Float32Array(6), new Float32Array(6)),
        err(/sample has 6 elements but earlier steps of this run had 4/),
      );
    });

    it('counts steps explicitly and refuses to run past the end', () => {
      const s = createScheduler(name, { steps: 3, shift: 3 });
      let x = values(6, 1);
      for (let i = 0; i < 3; i++) {
        assert.equal(s.stepIndex, i);
        assert.equal(s.done, false);
        x = s.step(values(6, 10 + i), x);
      }
      assert.equal(s.done, true);
      assert.equal(s.stepIndex, 3);
      assert.throws(() => s.step(values(6, 9), x), /all steps of the 3-step schedule have been taken/);
    });

    it('returns the x0 prediction exactly on the last step', () => {
      for (const steps of [1, 2, 5]) {
        const s = createScheduler(name, { steps, shift: 5 });
        let x = values(32, 3);
        for (let i = 0; i < steps - 1; i++) x = s.step(values(32, 20 + i), x);
        const v = values(32, 99);
        const sigma = s.sigmas[steps - 1];
        const out = s.step(v, x);
        const x0 = x.map((xi, k) => xi - Math.fround(sigma * v[k]));
        if (name === 'euler') {
          // Euler's last step x + (0 − σ)·v rounds differently from x − σ·v only in the last bit.
          for (let k = 0; k < 32; k++) assert.ok(Math.abs(out[k] - x0[k]) <= 1e-6);
        } else {
          assert.deepEqual(out, x0, `steps=${steps}`);
        }
      }
    });

    it('follows a straight flow path to x0 (v = noise − x0)', () => {
      const x0 = values(64, 5);
      const noise = values(64, 6);
      const v = noise.map((n, k) => n - x0[k]);
      for (const [steps, shift] of [
        [1, 1],
        [8, 3],
        [50, 5],
        [40, 12],
      ]) {
        const s = createScheduler(name, { steps, shift });
        const s0 = s.sigmas[0];
        let x: Float32Array = x0.map((a, k) => (1 - s0) * a + s0 * noise[k]);
        for (let i = 0; i < steps; i++) {
          x = s.step(v, x);
          const si = s.sigmas[i + 1];
          for (let k = 0; k < 64; k++) {
            const onPath = (1 - si) * x0[k] + si * noise[k];
            assert.ok(
              Math.abs(x[k] - onPath) < 2e-5,
              `${name} ${steps}/${shift} step ${i}: off the path by ${x[k] - onPath}`,
            );
          }
        }
        for (let k = 0; k < 64; k++) assert.ok(Math.abs(x[k] - x0[k]) < 2e-6);
      }
    });

    it('keeps all state in the instance and neither modifies nor retains inputs', () => {
      const opts = { steps: 12, shift: 5 };
      const reference = run(createScheduler(name, opts), values(40, 7));

      // Two interleaved runs give the same result as one alone.
      const a = createScheduler(name, opts);
      const b = createScheduler(name, opts);
      let xa = values(40, 7);
      let xb = values(40, 8);
      for (const t of a.timesteps) {
        xa = a.step(fakeModel(xa, t), xa);
        xb = b.step(fakeModel(xb, t), xb);
      }
      assert.deepEqual(xa, reference);

      // Scribbling over inputs after each step, and over the public sigmas, changes nothing.
      const c = createScheduler(name, opts);
      c.sigmas.fill(0.5);
      let x = values(40, 7);
      for (const t of c.timesteps) {
        const v = fakeModel(x, t);
        const before = Float32Array.from(x);
        const next = c.step(v, x);
        assert.deepEqual(x, before, 'sample is not modified');
        x.fill(123);
        v.fill(-7);
        x = next;
      }
      assert.deepEqual(x, reference);
    });
  });
}

describe('euler', () => {
  it('reaches x0 from pure noise when v = noise − x0', () => {
    const x0 = values(100, 11);
    const noise = values(100, 12);
    const v = noise.map((n, k) => n - x0[k]);
    const s = createScheduler('euler', { steps: 30, shift: 5 });
    let x: Float32Array = Float32Array.from(noise);
    for (const _ of s.timesteps) x = s.step(v, x);
    for (let k = 0; k < 100; k++) assert.ok(Math.abs(x[k] - x0[k]) < 2e-6, `${x[k]} vs ${x0[k]}`);
  });

  it('is x + (σ_{i+1} − σ_i)·v', () => {
    const s = createScheduler('euler', { steps: 4, shift: 3 });
    const x = values(8, 1);
    const v = values(8, 2);
    const dt = Math.fround(s.sigmas[1] - s.sigmas[0]);
    assert.deepEqual(
      s.step(v, x),
      x.map((xi, k) => xi + Math.fround(dt * v[k])),
    );
  });
});

describe('step index lookup', () => {
  it('starts at the second match when the first timestep repeats, like the reference', () => {
    assert.equal(initialStepIndex([999, 999, 998, 997]), 1);
    assert.equal(initialStepIndex([999, 998, 997]), 0);
    assert.equal(initialStepIndex([5]), 0);
    assert.equal(initialStepIndex([]), 0);
  });

  it('applies it to a UniPC grid whose first timesteps collide (50 steps, shift 30)', () => {
    const s = createScheduler('unipc', { steps: 50, shift: 30 });
    assert.deepEqual(s.timesteps.slice(0, 3), [999, 999, 998]);
    assert.equal(s.stepIndex, 1);
    let x = values(4, 1);
    for (let i = 0; i < 49; i++) x = s.step(values(4, i), x);
    assert.equal(s.done, true);
    assert.throws(
      () => s.step(values(4, 0), x),
      /first timestep 999 repeats, so like the reference it started at index 1/,
    );
  });
});
