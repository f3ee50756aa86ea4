import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = new URL('../bin/vmcheck.mjs', import.meta.url).pathname;

function vmcheck(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the vmcheck command line', () => {
  it('should exit 0 with status ok and the pinned state count for patent on fig6-relocation', () => {
    const r = vmcheck('check', 'fig6-relocation', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect([out.status, out.stats.distinctStates, out.violations.length]).toEqual(['ok', 2400, 0]);
  });

  it('should find the shortest prior-art stale write on fig6-relocation, exit 1, and replay it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmcheck-'));
    const r = vmcheck('check', 'fig6-relocation', '--variant', 'prior-art', '--all', '--json', '--out', dir);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    const stale = out.violations.find((v: { invariant: string }) => v.invariant === 'noStaleWrite');
    expect(stale.steps).toBe(9);
    expect(stale.message).toBe('channel 0 wrote VM-2 page 1 at frame 4, but the page is at frame 5');
    const trace = join(dir, 'fig6-relocation.prior-art.noStaleWrite.itf.json');
    const replay = vmcheck('replay', trace);
    expect(replay.code).toBe(0);
    expect(replay.stdout).toContain('replay confirmed: noStaleWrite');

    const edited = JSON.parse(readFileSync(trace, 'utf8'));
    edited.states[4]['mbt::nondetPicks'] = { request: 0 };
    const bad = join(dir, 'edited.itf.json');
    writeFileSync(bad, JSON.stringify(edited));
    const refused = vmcheck('replay', bad);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/step 4: .*not enabled/);
  });

  it('should say incomplete and exit 3 when a bound is hit', () => {
    const r = vmcheck('check', 'fig8-resize', '--max-states', '100', '--json');
    expect(r.code).toBe(3);
    const out = JSON.parse(r.stdout);
    expect([out.status, out.incompleteReason]).toEqual(['incomplete', 'max-states']);
  });

  it('should refuse bad input with exit 2 and a message naming the problem, never a stack trace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmcheck-'));
    const file = join(dir, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({
        ...JSON.parse(readFileSync(new URL('../scenarios/fig6-relocation.json', import.meta.url), 'utf8')),
        channels: 0,
      }),
    );
    for (const args of [
      ['check', 'nope'],
      ['check', file],
      ['check', '--variant', 'magic'],
      ['check', '--max-depth', 'x'],
      ['replay', file],
    ]) {
      const r = vmcheck(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    expect(vmcheck('check', file).stderr).toContain('channels: Too small');
  });

  it('should give the same counts and traces on every run', () => {
    const a = JSON.parse(
      vmcheck('check', 'fig8-resize', '--variant', 'fault-offline-under-io', '--json').stdout,
    );
    const b = JSON.parse(
      vmcheck('check', 'fig8-resize', '--variant', 'fault-offline-under-io', '--json').stdout,
    );
    const strip = (o: { stats: Record<string, unknown> }) => ({
      ...o,
      stats: { ...o.stats, elapsedMs: 0, statesPerSecond: 0 },
    });
    expect(strip(a)).toEqual(strip(b));
    expect(a.violations[0].invariant).toBe('offlineStorageIsQuiet');
  });

  it('should replay a simulation from its seed', () => {
    const a = vmcheck(
      'simulate',
      'fig6-relocation',
      '--variant',
      'prior-art',
      '--runs',
      '50',
      '--seed',
      '7',
      '--json',
    );
    const b = vmcheck(
      'simulate',
      'fig6-relocation',
      '--variant',
      'prior-art',
      '--runs',
      '50',
      '--seed',
      '7',
      '--json',
    );
    const strip = (s: string) => s.replace(/"elapsedMs":[\d.]+/g, '').replace(/"statesPerSecond":\d+/g, '');
    expect(strip(a.stdout)).toBe(strip(b.stdout));
    expect(a.code).toBe(1);
  });

  it('should list scenarios, variants and invariants', () => {
    const out = JSON.parse(vmcheck('list', '--json').stdout);
    expect(out.scenarios.map((s: { name: string }) => s.name)).toEqual([
      'fig1-failover',
      'fig6-relocation',
      'fig8-resize',
      'pageable-conversion',
    ]);
    expect(out.variants).toHaveLength(10);
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
      '7.11',
    ]);
  });

  it('should summarise every scenario and variant for npm start and exit 0', () => {
    const r = vmcheck('summary', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.ok).toBe(true);
    expect(out.rows).toHaveLength(40);
  });
});
