// `npm test`: the type check (tsc), the lint (biome) and the test suite (vitest) at once, not one
// after the other (tsc alone is about 15 s of one core, which vitest's two workers leave idle at
// their ends). vitest prints as it goes; tsc's and biome's output is printed whole after it, under
// their names. The exit code is non-zero when any of them fails. Arguments go to vitest (`npm test -- cli/`).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name) => fileURLToPath(new URL(`../node_modules/.bin/${name}`, import.meta.url));

const JOBS = [
  { name: 'tsc --noEmit', command: bin('tsc'), args: ['--noEmit'] },
  { name: 'biome check .', command: bin('biome'), args: ['check', '.'] },
  // vitest's own reporter goes straight to the terminal (its progress is worth seeing live).
  { name: 'vitest run', command: bin('vitest'), args: ['run', ...process.argv.slice(2)], live: true },
];

function run({ name, command, args, live }) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: live ? 'inherit' : ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (d) => {
      output += d;
    });
    child.stderr?.on('data', (d) => {
      output += d;
    });
    child.on('error', (error) => resolve({ name, code: 1, output: `${output}${error.message}\n` }));
    child.on('close', (code, signal) => {
      resolve({ name, code: code ?? 1, live, output: signal ? `${output}killed by ${signal}\n` : output });
    });
  });
}

const results = await Promise.all(JOBS.map(run));
for (const r of results.filter((r) => !r.live))
  process.stdout.write(`\n── ${r.name}: ${r.code === 0 ? 'ok' : `failed (exit ${r.code})`}\n${r.output}`);
const failed = results.filter((r) => r.code !== 0);
process.stdout.write(
  `\n── npm test: ${results.map((r) => `${r.name} ${r.code === 0 ? 'ok' : 'FAILED'}`).join(', ')}\n`,
);
process.exitCode = failed.length > 0 ? 1 : 0;
