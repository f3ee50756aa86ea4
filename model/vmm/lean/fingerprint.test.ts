import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fingerprintWords, finishSums, laneSums, updateSums } from './fingerprint.ts';

describe('fingerprintWords', () => {
  it('should give the pinned fingerprint of a fixed state, on every platform', () => {
    expect(fingerprintWords(Int32Array.of())).toEqual([299875517, 3170179127]);
    expect(fingerprintWords(Int32Array.of(1, -1, 2, 0, 7))).toEqual([2172175570, 4067306189]);
  });

  it('should depend on the words only, not on where the view starts in its buffer', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { maxLength: 40 }),
        fc.nat(8),
        (words, pad) => {
          const slab = new Int32Array(pad + words.length);
          slab.set(words, pad);
          expect(fingerprintWords(slab.subarray(pad))).toEqual(fingerprintWords(Int32Array.from(words)));
        },
      ),
    );
  });

  it('should tell apart states that differ in one word, or only in length', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -4, max: 40 }), { minLength: 1, maxLength: 130 }),
        fc.nat(),
        fc.integer({ min: 1, max: 2 ** 20 }),
        (words, at, delta) => {
          const a = Int32Array.from(words);
          const b = Int32Array.from(words);
          b[at % b.length] = b[at % b.length]! + delta;
          expect(fingerprintWords(a)).not.toEqual(fingerprintWords(b));
          expect(fingerprintWords(a)).not.toEqual(fingerprintWords(Int32Array.from([...words, 0])));
        },
      ),
    );
  });

  it('should give distinct fingerprints to many small states (no collision among 2^16)', () => {
    const seen = new Set<string>();
    const s = new Int32Array(6);
    for (let x = 0; x < 1 << 16; x++) {
      for (let i = 0; i < 6; i++) s[i] = (x >> (3 * i)) & 7;
      seen.add(fingerprintWords(s).join(':'));
    }
    expect(seen.size).toBe(1 << 16);
  });

  it('should give the same fingerprint updated from a parent as computed in full', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { minLength: 1, maxLength: 300 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })), { maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (words, changes, extra) => {
          const s = Int32Array.from(words);
          const n = Int32Array.from(words);
          for (const [at, value] of changes) n[at % n.length] = value;
          // Every changed position, some unchanged ones, in any order and with repeats removed.
          const offsets = new Set([
            ...changes.map(([at]) => at % n.length),
            ...extra.map((e) => e % n.length),
          ]);
          const sums = new Int32Array(2);
          laneSums(s, sums);
          updateSums(s, n, sums, Int32Array.from([...offsets].reverse()));
          expect(finishSums(sums[0]!, sums[1]!, n.length)).toEqual(fingerprintWords(n));
        },
      ),
    );
  });
});
