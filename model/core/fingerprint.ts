import type { Fingerprint } from './model.ts';

/**
 * 64-bit fingerprint of a string: two independent 32-bit FNV-1a style hashes with a final avalanche.
 *
 * Deterministic across runs and platforms (no seeds from the environment).
 */
export function fingerprintString(text: string): Fingerprint {
  let h1 = 0x811c9dc5 | 0;
  let h2 = 0x9e3779b9 | 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  return [avalanche(h1 ^ Math.imul(text.length, 0x27d4eb2d)) >>> 0, avalanche(h2 ^ text.length) >>> 0];
}

/**
 * 64-bit fingerprint of a sequence of 32-bit integers (a compact state encoding).
 */
export function fingerprintInts(words: ArrayLike<number>, length = words.length): Fingerprint {
  let h1 = 0x811c9dc5 | 0;
  let h2 = 0x9e3779b9 | 0;
  for (let i = 0; i < length; i++) {
    const w = words[i]! | 0;
    h1 = Math.imul(h1 ^ w, 0x01000193);
    h1 ^= h1 >>> 13;
    h2 = Math.imul(h2 ^ w, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  return [avalanche(h1 ^ Math.imul(length, 0x27d4eb2d)) >>> 0, avalanche(h2 ^ length) >>> 0];
}

function avalanche(h: number): number {
  let x = h | 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x;
}

/** Fingerprint as 16 hex digits, for reports. */
export function fingerprintHex(fp: Fingerprint): string {
  return fp[0].toString(16).padStart(8, '0') + fp[1].toString(16).padStart(8, '0');
}
