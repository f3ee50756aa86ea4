/**
 * The lean model's state fingerprint, and its incremental update.
 *
 * A state's fingerprint is made of two 32-bit lane sums, each the sum (mod 2^32) over its words of
 * a per-position hash of the word: `laneA(i, w)` and `laneB(i, w)` multiply the word mixed with a
 * random key of its position by an odd constant and fold the high bits down (the two lanes with
 * different keys and constants), so for each position each is a bijection of the word. The sums are then finalised with the
 * length into the 64-bit fingerprint.
 *
 * Because the sums are sums, a successor's fingerprint follows from its parent's sums and the
 * words the step may have changed (`updateSums`, over the words of the fields the action table
 * declares the action writes, model/vmm/machine.ts `writes`, checked by footprint.test.ts): a
 * step looks at a fifth of a state's words, and hashes only those that changed (Zobrist hashing,
 * as chess programs do). `fingerprintWords` and the incremental update give the same result by
 * construction, and a test checks it on random states and on every step of the shipped scenarios.
 *
 * Strength: two states that differ in one word always differ in both sums (each per-position hash
 * is a bijection); states that differ in several words collide with probability about 2^-64, the
 * per-position hashes being independent random-looking functions (random keys per position and
 * lane, so a value moving from one position to another changes both positions' hashes).
 *
 * Deterministic across runs and platforms (integer arithmetic only, no seed from the environment).
 * Fingerprints of one model must all come from this one function, never compared across functions.
 */
import type { Fingerprint } from '../../core/model.ts';

/** Per-position keys of the two lanes (splitmix32 of the position), grown on demand. */
let keysA = new Int32Array(0);
let keysB = new Int32Array(0);

/** Keys for positions below `length` (a state's length: done once per model). */
export function ensureKeys(length: number): void {
  if (keysA.length >= length) return;
  const n = Math.max(length, 256);
  keysA = new Int32Array(n);
  keysB = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    keysA[i] = splitmix32(2 * i + 1);
    keysB[i] = splitmix32(2 * i + 2);
  }
}

/** A well-mixed 32-bit value of `seed` (splitmix32's output function). */
function splitmix32(seed: number): number {
  let z = Math.imul(seed, 0x9e3779b9);
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return z ^ (z >>> 16);
}

// Lane A of word `w` at position `i` is `x ^ (x >>> 15)` with `x = imul(w ^ keysA[i], 0x9e3779b1)`;
// lane B is `x ^ (x >>> 13)` with `x = imul(w ^ keysB[i], 0x85ebca77)`: for each position a
// bijection of the word. Written out in the loops below (with the keys in locals), as V8 then
// keeps them in registers.

/** The two lane sums of `words`, into `sums[0]` and `sums[1]`. */
export function laneSums(words: Int32Array, sums: Int32Array): void {
  const length = words.length;
  ensureKeys(length);
  const ka = keysA;
  const kb = keysB;
  let a = 0;
  let b = 0;
  for (let i = 0; i < length; i++) {
    const w = words[i]!;
    const x = Math.imul(w ^ ka[i]!, 0x9e3779b1);
    const y = Math.imul(w ^ kb[i]!, 0x85ebca77);
    a = (a + (x ^ (x >>> 15))) | 0;
    b = (b + (y ^ (y >>> 13))) | 0;
  }
  sums[0] = a;
  sums[1] = b;
}

/**
 * Turn `sums`, the lane sums of the parent `s`, into those of `n` (a step's result, of the same
 * length), looking only at the words at `offsets`: every word where `n` may differ from `s`
 * (`laneSums(s)` ensured the keys).
 */
export function updateSums(s: Int32Array, n: Int32Array, sums: Int32Array, offsets: Int32Array): void {
  const ka = keysA;
  const kb = keysB;
  let a = sums[0]!;
  let b = sums[1]!;
  const count = offsets.length;
  for (let j = 0; j < count; j++) {
    const i = offsets[j]!;
    const was = s[i]!;
    const now = n[i]!;
    if (was === now) continue;
    const ki = ka[i]!;
    const li = kb[i]!;
    const x1 = Math.imul(now ^ ki, 0x9e3779b1);
    const x0 = Math.imul(was ^ ki, 0x9e3779b1);
    const y1 = Math.imul(now ^ li, 0x85ebca77);
    const y0 = Math.imul(was ^ li, 0x85ebca77);
    a = (a + (x1 ^ (x1 >>> 15)) - (x0 ^ (x0 >>> 15))) | 0;
    b = (b + (y1 ^ (y1 >>> 13)) - (y0 ^ (y0 >>> 13))) | 0;
  }
  sums[0] = a;
  sums[1] = b;
}

/** The fingerprint of a state of `length` words with lane sums `a` and `b`. */
export function finishSums(a: number, b: number, length: number): Fingerprint {
  return [
    avalanche(a ^ Math.imul(length + 1, 0x27d4eb2d)) >>> 0,
    avalanche((b + length + 0x165667b1) | 0) >>> 0,
  ];
}

/** Scratch for `fingerprintWords` (single-threaded per isolate). */
const scratch = new Int32Array(2);

/** 64-bit fingerprint of `words` (a lean state), computed in full. */
export function fingerprintWords(words: Int32Array): Fingerprint {
  laneSums(words, scratch);
  return finishSums(scratch[0]!, scratch[1]!, words.length);
}

/** Murmur3's 32-bit finaliser: every input bit flips each output bit with probability about 1/2. */
function avalanche(h: number): number {
  let x = h | 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x;
}
