import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FingerprintSet } from './fingerprintSet.ts';

const uint32 = fc.nat({ max: 0xffffffff });
/** Fingerprints with many zeros and repeats, so the reserved key and duplicates are exercised. */
const fingerprint = fc.oneof(
  fc.tuple(uint32, uint32),
  fc.tuple(fc.constantFrom(0, 1, 0xffffffff), fc.nat({ max: 40 })),
);

describe('FingerprintSet', () => {
  it('should agree with a Set of strings on membership and size', () => {
    fc.assert(
      fc.property(
        fc.array(fingerprint, { maxLength: 3000, size: 'max' }),
        fc.array(fingerprint, { maxLength: 50 }),
        (added, probes) => {
          const set = new FingerprintSet(4);
          const reference = new Set<string>();
          for (const [hi, lo] of added) {
            const key = `${hi}:${lo}`;
            expect(set.add(hi, lo)).toBe(!reference.has(key));
            reference.add(key);
          }
          expect(set.size).toBe(reference.size);
          for (const [hi, lo] of [...added, ...probes])
            expect(set.has(hi, lo)).toBe(reference.has(`${hi}:${lo}`));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('should store the all-zero fingerprint although zero marks an empty slot', () => {
    const set = new FingerprintSet();
    expect(set.has(0, 0)).toBe(false);
    expect(set.add(0, 0)).toBe(true);
    expect(set.has(0, 0)).toBe(true);
    expect(set.add(0, 0)).toBe(false);
    expect(set.size).toBe(1);
  });

  it('should treat signed and unsigned halves with the same bits as one fingerprint', () => {
    const set = new FingerprintSet();
    expect(set.add(-1, -2)).toBe(true);
    expect(set.add(0xffffffff, 0xfffffffe)).toBe(false);
    expect(set.hasFingerprint([0xffffffff, 0xfffffffe])).toBe(true);
  });

  it('should double at load 0.75 and report the bytes it holds', () => {
    const set = new FingerprintSet(1);
    expect(set.capacity).toBe(16);
    expect(set.bytes).toBe(16 * 8);
    for (let i = 0; i < 12; i++) set.add(i, i);
    expect(set.capacity).toBe(16);
    set.add(12, 12);
    expect(set.capacity).toBe(32);
    expect(set.bytes).toBe(32 * 8);
    for (let i = 0; i < 100_000; i++) set.add(0, i);
    expect(set.size).toBe(100_000 + 12);
    expect(set.size / set.capacity).toBeGreaterThan(0.375);
    expect(set.size / set.capacity).toBeLessThanOrEqual(0.75);
  });

  it('should size its first table from the capacity hint', () => {
    expect(new FingerprintSet(1000).capacity).toBe(2048);
    expect(new FingerprintSet(768).capacity).toBe(1024);
  });
});
