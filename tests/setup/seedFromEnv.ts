/** The suite's default fast-check seed, used when `VMCHECK_SEED` is not set. */
export const DEFAULT_SEED = 20260701;

/**
 * The global fast-check seed from the value of `VMCHECK_SEED`: `DEFAULT_SEED` when unset or empty,
 * else a 32-bit integer. Anything else is refused with a message naming the variable.
 */
export function seedFromEnv(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_SEED;
  const seed = Number(value);
  if (!Number.isInteger(seed) || seed < -(2 ** 31) || seed >= 2 ** 32) {
    throw new Error(`VMCHECK_SEED must be a 32-bit integer, got ${JSON.stringify(value)}`);
  }
  return seed | 0;
}
