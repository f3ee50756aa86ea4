/** `vmcheck check` and the partial-order reduction: on by default for BFS, `--no-por` turns it off. */
import { describe, expect, it } from 'vitest';
import { CapturedStream } from './io.ts';
import { runCli } from './main.ts';

async function vmcheck(...args: string[]) {
  const stdout = new CapturedStream();
  const stderr = new CapturedStream();
  const code = await runCli(args, { stdout, stderr });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe('vmcheck check and the partial-order reduction', () => {
  it('should reduce by default and say so in the JSON stats, with the same verdict as --no-por', async () => {
    const on = await vmcheck(
      'check',
      'fig8-resize',
      '--variant',
      'fault-forget-direct-io',
      '--json',
      '--all',
    );
    const off = await vmcheck(
      'check',
      'fig8-resize',
      '--variant',
      'fault-forget-direct-io',
      '--json',
      '--all',
      '--no-por',
    );
    const [a, b] = [JSON.parse(on.stdout), JSON.parse(off.stdout)];
    expect(a.stats.partialOrder).toEqual({ reducedStates: 0, skippedActions: 0 });
    expect(b.stats).not.toHaveProperty('partialOrder');
    expect([on.code, a.status, a.stats.distinctStates]).toEqual([off.code, b.status, b.stats.distinctStates]);
    const names = (out: { violations: { invariant: string }[] }) =>
      out.violations.map((v) => v.invariant).sort();
    expect(names(a)).toEqual(names(b));
    expect(names(a).length).toBeGreaterThan(0);
  });

  it('should say so in the text, and not reduce under --max-depth or DFS', async () => {
    expect((await vmcheck('check', 'fig6-relocation')).stdout).toMatch(
      /partial order +on: 0 states expanded with a reduced set, 0 actions left out/,
    );
    expect((await vmcheck('check', 'fig6-relocation', '--no-por')).stdout).not.toMatch(/partial order/);
    for (const bound of [
      ['--max-depth', '100'],
      ['--strategy', 'dfs'],
    ]) {
      const out = JSON.parse((await vmcheck('check', 'fig6-relocation', '--json', ...bound)).stdout);
      expect(out.stats).not.toHaveProperty('partialOrder');
    }
  });
});
