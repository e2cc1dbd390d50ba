import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { InputError } from '../../src/engine/errors.js';
import { vaeConfigFromJson } from '../../src/models/wan/vae/config.js';
import { WanVae } from '../../src/models/wan/vae/model.js';
import { vaeOfficialToDiffusers } from '../../src/testing/index.js';

// [official, diffusers] pairs from diffusers' convert_wan_to_diffusers.py renames (see its README).
const pairs = JSON.parse(readFileSync(join('test', 'fixtures', 'weights', 'keymap-pairs.json'), 'utf8')) as Record<
  string,
  [string, string][]
>;

describe('vaeOfficialToDiffusers', () => {
  for (const [set, version] of [
    ['vae21', '2.1'],
    ['vae22', '2.2'],
  ] as const) {
    it(`gives diffusers' converter names for every ${version} key`, () => {
      assert.ok(pairs[set].length > 190);
      for (const [official, diffusers] of pairs[set]) {
        assert.equal(vaeOfficialToDiffusers(official, version), diffusers, official);
      }
    });
  }

  it('covers every key the models declare, at tiny widths', () => {
    for (const version of ['2.1', '2.2'] as const) {
      const c = vaeConfigFromJson({ dim: 4, dec_dim: 4 }, version);
      const names = [...WanVae.declaredParams(c).keys()].map((k) => vaeOfficialToDiffusers(k, version));
      assert.equal(new Set(names).size, names.length);
    }
  });

  it('refuses keys with no diffusers counterpart', () => {
    assert.throws(() => vaeOfficialToDiffusers('encoder.bogus.weight', '2.1'), InputError);
    assert.throws(() => vaeOfficialToDiffusers('decoder.upsamples.0.residual.9.weight', '2.1'), InputError);
  });
});
