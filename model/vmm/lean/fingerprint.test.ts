import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fingerprintWords } from './fingerprint.ts';

describe('fingerprintWords', () => {
  it('should give the pinned fingerprint of a fixed state, on every platform', () => {
    expect(fingerprintWords(Int32Array.of())).toEqual([2018929291, 2969050393]);
    expect(fingerprintWords(Int32Array.of(1, -1, 2, 0, 7))).toEqual([1270343381, 3604830604]);
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
});
