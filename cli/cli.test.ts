/**
 * The command line, run in-process (`runCli` with captured streams): exit codes and parsed output.
 * Two real-process smoke tests at the end run the `bin/` entry asynchronously, with a timeout.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nextRunSeed } from '../generators/index.ts';
import { CapturedStream } from './io.ts';
import { EXIT, exitCodeOfVerdict, runCli } from './main.ts';

const BIN = new URL('../bin/vmcheck.mjs', import.meta.url).pathname;
const FIG6 = JSON.parse(readFileSync(new URL('../scenarios/fig6-relocation.json', import.meta.url), 'utf8'));

async function vmcheck(...args: string[]) {
  const stdout = new CapturedStream();
  const stderr = new CapturedStream();
  const code = await runCli(args, { stdout, stderr });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

function scenarioFile(content: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'vmcheck-'));
  const file = join(dir, 'scenario.json');
  writeFileSync(file, JSON.stringify(content));
  return file;
}

describe('the vmcheck command line, in-process', () => {
  it('should exit 0 with status ok and the pinned state count for patent on fig6-relocation', async () => {
    const r = await vmcheck('check', 'fig6-relocation', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect([out.status, out.stats.distinctStates, out.violations.length]).toEqual(['ok', 2400, 0]);
  });

  it('should find the shortest prior-art stale write on fig6-relocation, exit 1, and replay it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmcheck-'));
    const r = await vmcheck(
      'check',
      'fig6-relocation',
      '--variant',
      'prior-art',
      '--all',
      '--json',
      '--out',
      dir,
    );
    expect(r.code).toBe(EXIT.violation);
    const out = JSON.parse(r.stdout);
    const stale = out.violations.find((v: { invariant: string }) => v.invariant === 'noStaleWrite');
    expect(stale.steps).toBe(9);
    expect(stale.message).toBe('channel 0 wrote VM-2 page 1 at frame 4, but the page is at frame 5');
    const trace = join(dir, 'fig6-relocation.prior-art.noStaleWrite.itf.json');
    const replay = await vmcheck('replay', trace);
    expect(replay.code).toBe(0);
    expect(replay.stdout).toContain('replay confirmed: noStaleWrite');
    const replayJson = JSON.parse((await vmcheck('replay', trace, '--json')).stdout);
    expect(replayJson).toEqual({
      status: 'ok',
      scenario: 'fig6-relocation',
      variant: 'prior-art',
      steps: 9,
      confirmed: { invariant: 'noStaleWrite', message: stale.message },
    });

    const edited = JSON.parse(readFileSync(trace, 'utf8'));
    edited.states[4]['mbt::nondetPicks'] = { request: 0 };
    const bad = join(dir, 'edited.itf.json');
    writeFileSync(bad, JSON.stringify(edited));
    const refused = await vmcheck('replay', bad);
    expect(refused.code).toBe(EXIT.usage);
    expect(refused.stderr).toMatch(/step 4: .*not enabled/);
    const refusedJson = await vmcheck('replay', bad, '--json');
    expect(refusedJson.code).toBe(EXIT.usage);
    expect(JSON.parse(refusedJson.stdout)).toMatchObject({
      status: 'error',
      error: { code: 'bad-trace', path: 'states[4]' },
    });
  });

  it("should write traces that Quint's own ITF reader loads, every state", async () => {
    const { createRequire } = await import('node:module');
    const quint = createRequire(import.meta.url)('@informalsystems/quint/dist/src/itf.js') as {
      ofItf: (itf: unknown) => unknown[];
    };
    const dir = mkdtempSync(join(tmpdir(), 'vmcheck-'));
    for (const variant of ['prior-art', 'patent']) {
      await vmcheck(
        'check',
        'fig8-resize',
        '--variant',
        variant,
        '--all',
        '--witnesses',
        '--out',
        dir,
        '--json',
      );
    }
    const { readdirSync } = await import('node:fs');
    const traces = readdirSync(dir).filter((f) => f.endsWith('.itf.json'));
    expect(traces.length).toBeGreaterThanOrEqual(2);
    for (const file of traces) {
      const itf = JSON.parse(readFileSync(join(dir, file), 'utf8'));
      expect(quint.ofItf(itf), file).toHaveLength(itf.states.length);
    }
  });

  it('should say incomplete and exit 3 when a bound is hit', async () => {
    const r = await vmcheck('check', 'fig8-resize', '--max-states', '100', '--json');
    expect(r.code).toBe(EXIT.incomplete);
    const out = JSON.parse(r.stdout);
    expect([out.status, out.incompleteReason]).toEqual(['incomplete', 'max-states']);
  });

  it('should accept a fractional --timeout', async () => {
    const r = await vmcheck('check', 'fig6-relocation', '--timeout', '0.5', '--json');
    expect(r.stderr).toBe('');
    expect([EXIT.ok, EXIT.incomplete]).toContain(r.code);
  });

  it('should refuse bad input with exit 2 and a message naming the problem, never a stack trace', async () => {
    const file = scenarioFile({ ...FIG6, channels: 0 });
    for (const args of [
      ['check', 'nope'],
      ['check', file],
      ['check', '--variant', 'magic'],
      ['check', '--max-depth', 'x'],
      ['replay', file],
      ['simulate', '--runs', '0'],
    ]) {
      const r = await vmcheck(...args);
      expect(r.code, args.join(' ')).toBe(EXIT.usage);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    expect((await vmcheck('check', file)).stderr).toContain('channels: Too small');
  });

  it('should print one JSON error object on stdout with --json, whatever the error', async () => {
    const file = scenarioFile({ ...FIG6, channels: 0 });
    const bad = await vmcheck('check', file, '--json');
    expect(bad.code).toBe(EXIT.usage);
    expect(JSON.parse(bad.stdout)).toMatchObject({
      status: 'error',
      error: { code: 'bad-scenario', path: 'channels' },
    });
    const usage = await vmcheck('check', '--max-depth', 'x', '--json');
    expect(usage.code).toBe(EXIT.usage);
    expect(JSON.parse(usage.stdout)).toMatchObject({
      status: 'error',
      error: { code: 'usage', path: '--max-depth' },
    });
    const unknown = await vmcheck('check', 'nope', '--json');
    expect(JSON.parse(unknown.stdout).error.code).toBe('bad-scenario');
  });

  it('should report a scenario without I/O as ok with exit 0: the I/O properties do not apply', async () => {
    const file = scenarioFile({ ...FIG6, name: 'no-io', io: [] });
    const r = await vmcheck('check', file, '--json');
    const out = JSON.parse(r.stdout);
    expect(out.sometimes.map((s: { property: string }) => s.property)).not.toContain(
      'relocationCompletesWithTransferInFlight',
    );
    expect([r.code, out.status]).toEqual([EXIT.ok, 'ok']);
  });

  it('should give every verdict its own exit code', () => {
    expect([
      exitCodeOfVerdict('ok'),
      exitCodeOfVerdict('violation'),
      exitCodeOfVerdict('incomplete'),
      exitCodeOfVerdict('vacuous'),
      exitCodeOfVerdict('error'),
    ]).toEqual([0, 1, 3, 4, 5]);
    expect(new Set(Object.values(EXIT)).size).toBe(6);
  });

  it('should give the same counts and traces on every run', async () => {
    const run = async () =>
      JSON.parse(
        (await vmcheck('check', 'fig8-resize', '--variant', 'fault-offline-under-io', '--json')).stdout,
      );
    const [a, b] = [await run(), await run()];
    const strip = (o: { stats: Record<string, unknown> }) => ({
      ...o,
      stats: { ...o.stats, elapsedMs: 0, statesPerSecond: 0 },
    });
    expect(strip(a)).toEqual(strip(b));
    expect(a.violations[0].invariant).toBe('offlineStorageIsQuiet');
  });

  it("should report the failing walk's own seed, which replays it alone", async () => {
    const args = ['simulate', 'fig6-relocation', '--variant', 'fault-overlap-copy', '--depth', '60'];
    const many = await vmcheck(...args, '--runs', '50', '--seed', '7', '--json');
    expect(many.code).toBe(EXIT.violation);
    const found = JSON.parse(many.stdout).violations[0];
    expect(found.seed).not.toBe(7);
    expect(found.trace['#meta'].seed).toBe(found.seed);
    const one = await vmcheck(...args, '--runs', '1', '--seed', String(found.seed), '--json');
    expect(one.code).toBe(EXIT.violation);
    const again = JSON.parse(one.stdout).violations[0];
    expect([again.invariant, again.steps, again.seed]).toEqual([found.invariant, found.steps, found.seed]);
    const text = await vmcheck(...args, '--runs', '50', '--seed', '7');
    expect(text.stdout).toContain(`--runs 1 --seed ${found.seed}`);
  });

  it('should keep the shortest violating walk per property, not the first', async () => {
    const args = ['simulate', 'fig6-relocation', '--variant', 'fault-overlap-copy', '--depth', '60'];
    const many = JSON.parse((await vmcheck(...args, '--runs', '50', '--seed', '7', '--json')).stdout);
    // Every walk of the run, alone: the steps to each property's violation, if any.
    const shortest = new Map<string, number>();
    let first: number | undefined;
    for (let run = 0, seed = 7; run < 50; run++, seed = nextRunSeed(seed)) {
      const one = JSON.parse(
        (await vmcheck(...args, '--runs', '1', '--seed', String(seed), '--json')).stdout,
      );
      for (const v of one.violations as { invariant: string; steps: number }[]) {
        first ??= v.steps;
        shortest.set(v.invariant, Math.min(shortest.get(v.invariant) ?? v.steps, v.steps));
      }
    }
    const found = many.violations.map((v: { invariant: string; steps: number }) => [v.invariant, v.steps]);
    expect(found).toEqual([
      ['framesAreIsolated', 14],
      ['contentIsPreserved', 14],
    ]);
    expect(new Map(found)).toEqual(shortest);
    // The first violating walk was longer: keeping it would not give a shortest counterexample.
    expect(first).toBe(16);
  });

  it('should write simulation counterexamples and witness traces with --out', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmcheck-'));
    const sim = await vmcheck(
      'simulate',
      'fig6-relocation',
      '--variant',
      'prior-art',
      '--runs',
      '50',
      '--out',
      dir,
      '--json',
    );
    expect(JSON.parse(sim.stdout).files.length).toBeGreaterThan(0);
    const check = await vmcheck('check', 'fig6-relocation', '--witnesses', '--out', dir, '--json');
    const files: string[] = JSON.parse(check.stdout).files;
    expect(files.some((f) => f.endsWith('.witness.itf.json'))).toBe(true);
  });

  it('should name a user scenario file in #meta so replay needs no --scenario', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmcheck-'));
    const file = scenarioFile({ ...FIG6, name: 'my-fig6' });
    await vmcheck('check', file, '--variant', 'prior-art', '--invariant', 'noStaleWrite', '--out', dir);
    const trace = join(dir, 'my-fig6.prior-art.noStaleWrite.itf.json');
    expect(JSON.parse(readFileSync(trace, 'utf8'))['#meta'].source).toBe(file);
    const r = await vmcheck('replay', trace);
    expect(r.code).toBe(0);
    // Once the file is gone, the error says how to name the scenario.
    rmSync(file);
    const gone = await vmcheck('replay', trace, '--json');
    expect(gone.code).toBe(EXIT.usage);
    expect(JSON.parse(gone.stdout).error.message).toContain('pass --scenario FILE');
    const moved = scenarioFile({ ...FIG6, name: 'my-fig6' });
    expect((await vmcheck('replay', trace, '--scenario', moved)).code).toBe(EXIT.ok);
  });

  it('should say, after a violation, that a bound cut the search', async () => {
    const r = await vmcheck(
      'check',
      'fig6-relocation',
      '--variant',
      'prior-art',
      '--all',
      '--max-states',
      '300',
    );
    expect(r.code).toBe(EXIT.violation);
    expect(r.stdout).toContain(
      'after the violation the search was cut by max-states: other properties may break in the part not explored',
    );
  });

  it('should check one scenario against every variant with --variant all', async () => {
    const r = await vmcheck('check', 'fig6-relocation', '--variant', 'all', '--json');
    const out = JSON.parse(r.stdout);
    expect(out.runs).toHaveLength(11);
    expect(out.status).toBe('violation');
    expect(r.code).toBe(EXIT.violation);
  });

  it('should say what to run next after a violation', async () => {
    const r = await vmcheck('check', 'fig6-relocation', '--variant', 'prior-art');
    expect(r.stdout).toContain('vmcheck check fig6-relocation --variant prior-art --all --out out/');
  });

  it('should draw progress on a terminal and none when piped', async () => {
    let t = 0;
    const now = () => {
      t += 5;
      return t;
    };
    const tty = new CapturedStream(true);
    await runCli(['check', 'fig8-resize'], {
      stdout: new CapturedStream(),
      stderr: tty,
      now,
    });
    expect(tty.text).toMatch(/fig8-resize\/patent: [\d,]+ distinct, depth \d+/);
    const piped = new CapturedStream(false);
    await runCli(['check', 'fig8-resize'], {
      stdout: new CapturedStream(),
      stderr: piped,
      now,
    });
    expect(piped.text).toBe('');
  });

  it('should list scenarios, variants and invariants', async () => {
    const out = JSON.parse((await vmcheck('list', '--json')).stdout);
    expect(out.scenarios.map((s: { name: string }) => s.name)).toEqual([
      'fig1-failover',
      'fig6-relocation',
      'fig8-resize',
      'pageable-conversion',
    ]);
    expect(out.variants).toHaveLength(11);
    expect(out.invariants.map((p: { spec: string }) => p.spec)).toEqual([
      '7.1',
      '7.2',
      '7.3',
      '7.4',
      '7.5',
      '7.6',
      '7.7',
      '7.8',
      '7.9',
      '7.10',
      '7.12',
      '7.13',
      '7.4', // noFrameLeaked (issue 10)
      '7.11',
    ]);
    expect(out.invariants.map((p: { name: string }) => p.name)).toContain('noFrameLeaked');
  });

  it('should summarise one scenario against every variant, with a progress bar on a terminal', async () => {
    const stdout = new CapturedStream();
    const stderr = new CapturedStream(true);
    const code = await runCli(['summary', 'fig6-relocation', '--json'], { stdout, stderr });
    const out = JSON.parse(stdout.text);
    expect(out.rows).toHaveLength(11);
    expect(code).toBe(out.ok ? 0 : 1);
    const bar = new CapturedStream(true);
    await runCli(['summary', 'fig6-relocation'], { stdout: new CapturedStream(), stderr: bar });
    expect(bar.text).toContain('11/11 fig6-relocation/');
  });
});

function run(args: string[]): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { timeout: 120_000, env: { ...process.env, FORCE_COLOR: '0' } },
      (error, stdout) => {
        if (error && (error as { killed?: boolean }).killed)
          reject(new Error(`vmcheck ${args.join(' ')} hung`));
        else resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout });
      },
    );
  });
}

describe('the vmcheck command line, as a real process', () => {
  it('should check a scenario and exit 0 with JSON on stdout', async () => {
    const r = await run(['check', 'fig6-relocation', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).stats.distinctStates).toBe(2400);
  }, 180_000);

  it('should exit 2 with a JSON error for a bad scenario name', async () => {
    const r = await run(['check', 'nope', '--json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).status).toBe('error');
  }, 180_000);
});
