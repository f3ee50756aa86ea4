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

  it('should grow to twice as many slots as it holds once the load passes 0.75, and report its bytes', () => {
    const set = new FingerprintSet(1);
    expect(set.capacity).toBe(16);
    expect(set.bytes).toBe(16 * 8);
    for (let i = 0; i < 12; i++) set.add(i, i);
    expect(set.capacity).toBe(16);
    set.add(12, 12);
    expect(set.capacity).toBe(26);
    expect(set.bytes).toBe(26 * 8);
    expect(set.size / set.capacity).toBe(0.5);
  });

  it('should keep the load within (0.5, 0.75] from the first growth on: 10.7 to 16 bytes a fingerprint', () => {
    const set = new FingerprintSet(1);
    const capacities = [set.capacity];
    const loadsAfterGrowth = new Set<number>();
    let lowestLoad = 1;
    let highestLoad = 0;
    let worstBytesPerEntry = 0;
    let bestBytesPerEntry = Number.POSITIVE_INFINITY;
    for (let i = 1; i <= 300_000; i++) {
      set.add(i >>> 7, Math.imul(i, 0x9e3779b1));
      if (set.capacity !== capacities[capacities.length - 1]) {
        loadsAfterGrowth.add(set.size / set.capacity);
        capacities.push(set.capacity);
      }
      if (capacities.length > 1) {
        const load = set.size / set.capacity;
        lowestLoad = Math.min(lowestLoad, load);
        highestLoad = Math.max(highestLoad, load);
        worstBytesPerEntry = Math.max(worstBytesPerEntry, set.bytes / set.size);
        bestBytesPerEntry = Math.min(bestBytesPerEntry, set.bytes / set.size);
      }
    }
    expect(set.size).toBe(300_000);
    // Right after growth is the worst case: exactly half full.
    expect([...loadsAfterGrowth]).toEqual([0.5]);
    expect(lowestLoad).toBe(0.5);
    expect(highestLoad).toBeLessThanOrEqual(0.75);
    expect(highestLoad).toBeGreaterThan(0.749);
    expect(worstBytesPerEntry).toBe(16);
    expect(bestBytesPerEntry).toBeLessThan(10.7);
    expect(bestBytesPerEntry).toBeGreaterThan(10.66);
    // About ×1.5 a growth (×1.625 from the smallest table), never a power of two past it.
    expect(capacities.slice(0, 6)).toEqual([16, 26, 40, 62, 94, 142]);
    for (let g = 2; g < capacities.length; g++) {
      expect(capacities[g]! / capacities[g - 1]!).toBeGreaterThanOrEqual(1.5);
      expect(capacities[g]! / capacities[g - 1]!).toBeLessThanOrEqual(1.55);
    }
  });

  it('should size its first table from the capacity hint, to hold that many without growing', () => {
    expect(new FingerprintSet(1000).capacity).toBe(1334);
    expect(new FingerprintSet(768).capacity).toBe(1024);
    expect(new FingerprintSet(0).capacity).toBe(16);
    const set = new FingerprintSet(1000);
    for (let i = 0; i < 1000; i++) set.add(i, 1);
    expect(set.capacity).toBe(1334);
    set.add(1000, 1);
    expect(set.capacity).toBe(2002);
  });

  it('should wrap probes around the end of a table whose size is not a power of two', () => {
    // A full-ish small table: every home slot, the last included, has probed past it.
    const set = new FingerprintSet(1);
    for (let i = 0; i < 12; i++) expect(set.add(0xffffffff, i)).toBe(true);
    for (let i = 0; i < 12; i++) expect(set.has(0xffffffff, i)).toBe(true);
    expect(set.has(0xffffffff, 12)).toBe(false);
  });

  it('should forget everything and give its memory back on clear', () => {
    const set = new FingerprintSet(10_000);
    for (let i = 0; i < 5000; i++) set.add(i, i);
    set.clear();
    expect(set.size).toBe(0);
    expect(set.bytes).toBe(16 * 8);
    expect(set.has(1, 1)).toBe(false);
    expect(set.add(1, 1)).toBe(true);
  });
});
