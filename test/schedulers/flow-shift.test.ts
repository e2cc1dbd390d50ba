import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  dpmSigmaGrid,
  linspace,
  SchedulerInputError,
  shiftSigma,
  UNIPC_SIGMA_MAX,
  unipcSigmaGrid,
} from '../../src/schedulers/index.js';

describe('shiftSigma', () => {
  it('fixes 0 and 1 and is the identity for shift 1', () => {
    for (const shift of [0.5, 1, 3, 5, 12]) {
      assert.equal(shiftSigma(0, shift), 0);
      assert.equal(shiftSigma(1, shift), 1);
    }
    for (const s of [0.1, 0.25, 0.999]) assert.equal(shiftSigma(s, 1), s);
  });

  it('pushes sigmas up for shift > 1', () => {
    assert.ok(Math.abs(shiftSigma(0.5, 5) - 5 / 6) < 1e-15);
    assert.ok(shiftSigma(0.5, 3) > 0.5 && shiftSigma(0.5, 0.5) < 0.5);
  });
});

describe('linspace', () => {
  it('follows NumPy: k·step + start with the endpoint exact', () => {
    const y = linspace(UNIPC_SIGMA_MAX, 0, 11);
    assert.equal(y.length, 11);
    assert.equal(y[0], UNIPC_SIGMA_MAX);
    assert.equal(y[10], 0);
    const step = (0 - UNIPC_SIGMA_MAX) / 10;
    for (let k = 0; k < 10; k++) assert.equal(y[k], k * step + UNIPC_SIGMA_MAX);
    assert.deepEqual([...linspace(2, 5, 1)], [2]);
    assert.equal(linspace(0, 1, 0).length, 0);
  });
});

describe('unipcSigmaGrid', () => {
  it('starts just below 1 (S(float32(0.999)))', () => {
    assert.equal(UNIPC_SIGMA_MAX, 0.9990000128746033);
    const g = unipcSigmaGrid(50, 5);
    assert.equal(g.sigmas[0], Math.fround(shiftSigma(UNIPC_SIGMA_MAX, 5)));
    assert.ok(g.sigmas[0] < 1 && Math.abs(g.sigmas[0] - 0.9998) < 1e-5, `first sigma ${g.sigmas[0]}`);
    assert.equal(g.timesteps[0], 999);
  });

  it('has steps+1 float32 sigmas ending in 0, decreasing, and truncated timesteps', () => {
    const g = unipcSigmaGrid(40, 12);
    assert.equal(g.sigmas.length, 41);
    assert.equal(g.timesteps.length, 40);
    assert.equal(g.shifted.length, 40);
    assert.equal(g.sigmas[40], 0);
    for (let i = 0; i < 40; i++) {
      assert.ok(g.sigmas[i] > g.sigmas[i + 1]);
      assert.equal(g.sigmas[i], Math.fround(g.shifted[i]));
      assert.equal(g.timesteps[i], Math.trunc(g.shifted[i] * 1000));
      assert.ok(Number.isInteger(g.timesteps[i]));
    }
    assert.ok(Object.isFrozen(g.timesteps));
  });
});

describe('dpmSigmaGrid', () => {
  it('starts at exactly 1 (timestep 1000) and ends at 0', () => {
    for (const [steps, shift] of [
      [1, 1],
      [10, 3],
      [50, 5],
    ]) {
      const g = dpmSigmaGrid(steps, shift);
      assert.equal(g.sigmas[0], 1);
      assert.equal(g.shifted[0], 1);
      assert.equal(g.timesteps[0], 1000);
      assert.equal(g.sigmas[steps], 0);
    }
  });

  it('is get_sampling_sigmas: S(linspace(1, 0, N+1)[:N])', () => {
    const g = dpmSigmaGrid(4, 3);
    const expect = [1, 0.75, 0.5, 0.25].map((s) => shiftSigma(s, 3));
    assert.deepEqual([...g.shifted], expect);
    assert.deepEqual(g.timesteps, [1000, 900, 750, 500]);
  });
});

describe('grid validation', () => {
  for (const make of [unipcSigmaGrid, dpmSigmaGrid]) {
    it(`${make.name} rejects bad steps and shift`, () => {
      for (const steps of [0, -3, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
        assert.throws(
          () => make(steps, 5),
          (e) => e instanceof SchedulerInputError && e instanceof RangeError && /'steps'.*integer >= 1/.test(e.message),
        );
      }
      for (const shift of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
        assert.throws(
          () => make(10, shift),
          (e) => e instanceof SchedulerInputError && /'shift'.*> 0, got/.test(e.message),
        );
      }
    });
  }
});
