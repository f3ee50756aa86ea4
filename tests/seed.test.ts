import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SEED, seedFromEnv } from './setup/seedFromEnv.ts';

describe('the global fast-check seed', () => {
  it('should come from VMCHECK_SEED, else the default', () => {
    expect(seedFromEnv(undefined)).toBe(DEFAULT_SEED);
    expect(seedFromEnv('')).toBe(DEFAULT_SEED);
    expect(seedFromEnv('42')).toBe(42);
    expect(seedFromEnv('-7')).toBe(-7);
    expect(seedFromEnv(String(2 ** 32 - 1))).toBe(-1);
  });

  it('should refuse a seed that is not a 32-bit integer, naming the variable', () => {
    for (const bad of ['x', '1.5', String(2 ** 32), '1e40']) {
      expect(() => seedFromEnv(bad)).toThrow(/VMCHECK_SEED must be a 32-bit integer/);
    }
  });

  it('should be configured for every fast-check run of the suite', () => {
    expect(fc.readConfigureGlobal().seed).toBe(seedFromEnv(process.env.VMCHECK_SEED));
    const first = fc.sample(fc.nat(), 5);
    expect(fc.sample(fc.nat(), 5)).toEqual(first);
  });

  it('should say how to replay a failing property with VMCHECK_SEED', () => {
    const run = () => fc.assert(fc.property(fc.nat(), (n) => n < 0));
    expect(run).toThrow(/VMCHECK_SEED=-?\d+ npx vitest run/);
    expect(run).toThrow(/seed: -?\d+, path: "/);
  });

  it('should say that a property with its own seed is not changed by VMCHECK_SEED', () => {
    const run = () =>
      fc.assert(
        fc.property(fc.nat(), (n) => n < 0),
        { seed: 5 },
      );
    expect(run).toThrow(/pins its own seed 5/);
  });
});
