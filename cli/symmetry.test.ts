/** `vmcheck check` and the symmetry reduction: on by default where the scenario has interchangeable parts, `--no-symmetry` turns it off. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CapturedStream } from './io.ts';
import { runCli } from './main.ts';

async function vmcheck(...args: string[]) {
  const stdout = new CapturedStream();
  const stderr = new CapturedStream();
  const code = await runCli(args, { stdout, stderr });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** pageable-conversion with its program started twice (two identical I/O entries). */
function twoIdenticalPrograms(): string {
  const s = JSON.parse(
    readFileSync(new URL('../scenarios/pageable-conversion.json', import.meta.url), 'utf8'),
  );
  const file = join(mkdtempSync(join(tmpdir(), 'vmcheck-')), 'two-programs.json');
  writeFileSync(file, JSON.stringify({ ...s, name: 'two-programs', io: [s.io[0], s.io[0]] }));
  return file;
}

describe('vmcheck check and the symmetry reduction', { timeout: 60_000 }, () => {
  it('should reduce by default and say so in the JSON stats, with the same verdict as --no-symmetry', async () => {
    const file = twoIdenticalPrograms();
    const args = ['check', file, '--variant', 'fault-page-out-pinned', '--json', '--all', '--workers', '1'];
    const on = await vmcheck(...args);
    const off = await vmcheck(...args, '--no-symmetry');
    const [a, b] = [JSON.parse(on.stdout), JSON.parse(off.stdout)];
    expect(a.stats.symmetry).toEqual({ groupSize: 2, classes: ['io 0,1'] });
    expect(b.stats).not.toHaveProperty('symmetry');
    expect(a.stats.distinctStates).toBeLessThan(b.stats.distinctStates);
    const names = (out: { violations: { invariant: string }[] }) =>
      out.violations.map((v) => v.invariant).sort();
    expect([on.code, a.status, names(a)]).toEqual([off.code, b.status, names(b)]);
    expect(names(a).length).toBeGreaterThan(0);
  });

  it('should say so in the text, and not where nothing is interchangeable', async () => {
    expect((await vmcheck('check', twoIdenticalPrograms(), '--workers', '1')).stdout).toMatch(
      /symmetry +on: group of 2 \(io 0,1\), distinct states are orbits/,
    );
    expect((await vmcheck('check', twoIdenticalPrograms(), '--no-symmetry')).stdout).not.toMatch(/symmetry/);
    const shipped = JSON.parse((await vmcheck('check', 'fig6-relocation', '--json')).stdout);
    expect(shipped.stats).not.toHaveProperty('symmetry');
  });
});
