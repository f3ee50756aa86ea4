/** Node module hooks of `stryker/inProcessRunner.js`: `vitest` is the runner's shim. */
const SHIM = new URL('./vitestShim.js', import.meta.url).href;

export async function resolve(specifier, context, next) {
  if (specifier === 'vitest') return { url: SHIM, shortCircuit: true };
  return next(specifier, context);
}
