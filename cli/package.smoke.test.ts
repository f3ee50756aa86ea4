/**
 * The package as a user installs it: `npm pack` (whose `prepack` builds dist/), the tarball unpacked
 * into a temporary project, the README's library example run there with plain `node`, a vitest test
 * file and a TypeScript consumer type-checked against the shipped `.d.ts`, and the packed `vmcheck`
 * command. Offline: the temporary project's dependencies are links to this checkout's node_modules
 * (the ones the packed package.json lists), so neither the network nor the npm cache is needed.
 *
 * Slow (a `tsc` build, then a nested vitest and tsc): in the exhaustive project, with the
 * timeouts stated below.
 */
import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const MINUTE = 60_000;

/** `npm` itself: the one running this suite when there is one, else the one on PATH. */
function npm(args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
  const cli = process.env.npm_execpath;
  return cli !== undefined && basename(cli) === 'npm-cli.js'
    ? run(process.execPath, [cli, ...args], { cwd, env, maxBuffer: 64 << 20 })
    : run('npm', args, { cwd, env, maxBuffer: 64 << 20 });
}

/** The first fenced block of `language` after the heading line that starts with `heading`. */
function fencedBlock(heading: string, language: string, from = 0): { text: string; end: number } {
  const at = README.indexOf(`\n${heading}`, from);
  expect(at, `README has no heading "${heading}"`).toBeGreaterThanOrEqual(0);
  const open = README.indexOf(`\n\`\`\`${language}\n`, at);
  const start = open + language.length + 5;
  const close = README.indexOf('\n```\n', start);
  return { text: README.slice(start, close + 1), end: close };
}

let work: string;
let project: string;
let tarballFiles: string[];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'vmcheck-pack-'));
  // The build emits without a second type check: `npm test` type-checks every source first
  // (api/build.mjs VMCHECK_BUILD_NO_CHECK; the .d.ts are the same), and the consumer test below
  // type-checks against them.
  await npm(['pack', '--pack-destination', work], ROOT, { ...process.env, VMCHECK_BUILD_NO_CHECK: '1' });
  const [tarball] = readdirSync(work).filter((f) => f.endsWith('.tgz'));
  expect(tarball).toBeDefined();
  project = join(work, 'project');
  const installed = join(project, 'node_modules', 'vmcheck');
  mkdirSync(installed, { recursive: true });
  await run('tar', ['-xzf', join(work, tarball!), '-C', installed, '--strip-components=1']);
  tarballFiles = (await run('tar', ['-tzf', join(work, tarball!)])).stdout.trim().split('\n');
  const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
  // What the package declares it needs, plus the tools the user's own project brings.
  const links = [...Object.keys(manifest.dependencies ?? {}), 'vitest', 'typescript', '@types/node'];
  for (const name of links) {
    const target = join(project, 'node_modules', name);
    mkdirSync(dirname(target), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules', name), target, 'dir');
  }
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'user', private: true, type: 'module' }),
  );
}, 10 * MINUTE);

afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

describe('the packed package, installed in a temporary project', () => {
  it('should ship the built library, the command, README and SPEC, and no tests or sources', () => {
    const files = tarballFiles.map((f) => f.replace(/^package\//, ''));
    for (const file of [
      'package.json',
      'README.md',
      'docs/SPEC.md',
      'bin/vmcheck.mjs',
      'dist/api/index.js',
      'dist/api/index.d.ts',
      'dist/impl/index.js',
      'dist/impl/index.d.ts',
      'dist/scenarios/fig6-relocation.json',
      'dist/generators/parallel/boot.mjs',
    ]) {
      expect(files).toContain(file);
    }
    expect(files.filter((f) => /\.test\.|\/testing\/|fixture|testSupport|(?<!\.d)\.ts$/.test(f))).toEqual([]);
  });

  it(
    "should run the README's library example with plain node and print what README says",
    async () => {
      const example = fencedBlock('## Library', 'js');
      const output = fencedBlock('prints', 'text', example.end);
      writeFileSync(join(project, 'example.mjs'), example.text);
      const { stdout } = await run(process.execPath, ['example.mjs'], { cwd: project });
      expect(stdout).toBe(output.text);
    },
    5 * MINUTE,
  );

  it(
    "should import vmcheck and vmcheck/impl from a user's vitest suite",
    async () => {
      writeFileSync(
        join(project, 'user.test.mjs'),
        `import { expect, it } from 'vitest';
import { check, EXIT } from 'vmcheck';
import { createMachine, ManualScheduler } from 'vmcheck/impl';
it('checks fig6 under the prior art', async () => {
  const run = await check('fig6-relocation', { variant: 'prior-art' });
  expect([run.verdict, run.exitCode]).toEqual(['violation', EXIT.violation]);
  expect([typeof createMachine, typeof ManualScheduler]).toEqual(['function', 'function']);
});
`,
      );
      const vitest = join(project, 'node_modules', 'vitest', 'vitest.mjs');
      const { stdout } = await run(process.execPath, [vitest, 'run', '--root', project, 'user.test.mjs'], {
        cwd: project,
        env: { ...process.env, CI: '1', NO_COLOR: '1' },
      });
      expect(stdout).toMatch(/Tests\s+1 passed/);
    },
    5 * MINUTE,
  );

  it(
    'should type-check a TypeScript consumer against the shipped .d.ts files',
    async () => {
      writeFileSync(
        join(project, 'consumer.ts'),
        `import { check, type Run, renderTrace } from 'vmcheck';
import { createMachine, type MachineSnapshot } from 'vmcheck/impl';
const run: Run = await check('fig6-relocation', { variant: 'prior-art', maxStates: 1000 });
const states: number = run.result.stats.distinctStates;
const text: string = renderTrace(run, run.discoveries[0]!.trace, run.discoveries[0]!.violation);
// @ts-expect-error: the options are typed
await check('fig6-relocation', { variant: 'no-such-variant' });
export const used: [number, string, typeof createMachine, MachineSnapshot | undefined] = [states, text, createMachine, undefined];
`,
      );
      writeFileSync(
        join(project, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            target: 'ES2022',
            module: 'NodeNext',
            moduleResolution: 'NodeNext',
            strict: true,
            noEmit: true,
            types: ['node'],
          },
          files: ['consumer.ts'],
        }),
      );
      const tsc = join(project, 'node_modules', 'typescript', 'bin', 'tsc');
      await expect(run(process.execPath, [tsc, '-p', project], { cwd: project })).resolves.toBeDefined();
    },
    5 * MINUTE,
  );

  it(
    "should start the parallel explorer's worker threads from dist/ (what check --workers uses)",
    async () => {
      // Internal modules, by file path (the exports map offers no deep imports): levels of one state
      // and up go to the two threads, so the worker boot file and worker module of dist/ must load.
      const dist = join(project, 'node_modules', 'vmcheck', 'dist');
      const script = `import { checkParallel } from ${JSON.stringify(join(dist, 'generators/parallel/checkParallel.js'))};
import { vmmModelSpec } from ${JSON.stringify(join(dist, 'properties/parallelModel.js'))};
import { loadScenario } from 'vmcheck';
const spec = vmmModelSpec(loadScenario('fig8-resize'), 'patent');
const result = await checkParallel(spec, { workers: 2, parallelFromStates: 1 });
console.log(JSON.stringify([result.status, result.stats.distinctStates, result.memory.workers]));
`;
      writeFileSync(join(project, 'parallel.mjs'), script);
      const { stdout } = await run(process.execPath, ['parallel.mjs'], { cwd: project });
      expect(JSON.parse(stdout)).toEqual(['ok', 3676, 2]);
    },
    5 * MINUTE,
  );

  it(
    'should run the packed vmcheck command from dist/, without tsx',
    async () => {
      expect(existsSync(join(project, 'node_modules', 'tsx'))).toBe(false);
      const bin = join(project, 'node_modules', 'vmcheck', 'bin', 'vmcheck.mjs');
      const list = JSON.parse(
        (await run(process.execPath, [bin, 'list', '--json'], { cwd: project })).stdout,
      );
      expect(list.scenarios.map((s: { name: string }) => s.name)).toContain('fig6-relocation');
      const failed = await run(
        process.execPath,
        [bin, 'check', 'fig6-relocation', '--variant', 'prior-art', '--json'],
        {
          cwd: project,
        },
      ).catch((error: { code: number; stdout: string }) => error);
      expect('code' in failed ? failed.code : 0).toBe(1);
      expect(JSON.parse(failed.stdout).status).toBe('violation');
    },
    5 * MINUTE,
  );
});
