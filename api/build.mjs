// Builds the package to JavaScript with .d.ts types in dist/ (run by `npm pack` through `prepack`,
// or `npm run build`): compiles every source but the tests with tsconfig.build.json (relative `.ts`
// imports are rewritten to `.js`), then copies what the compiled code reads at run time: the shipped
// scenarios and the worker-thread boot file of the parallel explorer.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
// VMCHECK_BUILD_NO_CHECK=1 emits without type-checking again (the package smoke test sets it:
// `npm test` has just type-checked every source with `tsc --noEmit`; the output is the same).
const noCheck = process.env.VMCHECK_BUILD_NO_CHECK === '1' ? ['--noCheck'] : [];
const built = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), ...noCheck], {
  stdio: 'inherit',
});
if (built.status !== 0) process.exit(built.status ?? 1);
mkdirSync(join(dist, 'scenarios'), { recursive: true });
for (const file of readdirSync(join(root, 'scenarios')).filter((f) => f.endsWith('.json'))) {
  cpSync(join(root, 'scenarios', file), join(dist, 'scenarios', file));
}
cpSync(join(root, 'generators/parallel/boot.mjs'), join(dist, 'generators/parallel/boot.mjs'));
