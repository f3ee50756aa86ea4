/** `vmcheck check --workers`: the parallel explorer behind the command line, run in-process. */
import { describe, expect, it } from 'vitest';
import { CapturedStream } from './io.ts';
import { EXIT, runCli } from './main.ts';

async function vmcheck(...args: string[]) {
  const stdout = new CapturedStream();
  const stderr = new CapturedStream();
  const code = await runCli(args, { stdout, stderr });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

// Each run explores fig6-relocation (2,400 states) once or twice: well under a second here.
describe('vmcheck check --workers', { timeout: 60_000 }, () => {
  it('should give the same verdict, counterexamples and messages with 2 workers as with 1', async () => {
    const args = ['check', 'fig6-relocation', '--variant', 'prior-art', '--all', '--json'];
    const one = await vmcheck(...args, '--workers', '1');
    const two = await vmcheck(...args, '--workers', '2');
    expect([one.code, two.code]).toEqual([EXIT.violation, EXIT.violation]);
    const outline = (text: string) =>
      JSON.parse(text).violations.map((v: { invariant: string; steps: number; message: string }) => [
        v.invariant,
        v.steps,
        v.message,
      ]);
    expect(outline(two.stdout)).toEqual(outline(one.stdout));
    expect(outline(two.stdout).map((v: unknown[]) => v[0])).toContain('noStaleWrite');
  });

  it('should count the same states on a complete run', async () => {
    const two = await vmcheck('check', 'fig8-resize', '--workers', '2', '--json');
    expect(two.code).toBe(EXIT.ok);
    expect(JSON.parse(two.stdout).stats.distinctStates).toBe(3676);
  });

  it('should check progress (AG EF final) on every thread count, and only without --no-progress', async () => {
    // fig8-resize has 3,676 states: with parallelFromStates' default its levels stay on the
    // coordinator, so this is the command line's wiring; properties/parallelModel.test.ts forces threads.
    for (const workers of ['1', '2']) {
      const on = JSON.parse((await vmcheck('check', 'fig8-resize', '--workers', workers, '--json')).stdout);
      const off = JSON.parse(
        (await vmcheck('check', 'fig8-resize', '--workers', workers, '--no-progress', '--json')).stdout,
      );
      expect(on.stats.progressEdges, `--workers ${workers}`).toBe(on.stats.statesGenerated - 1);
      expect(off.stats.progressEdges).toBeUndefined();
    }
    const text = (await vmcheck('check', 'fig8-resize', '--workers', '2')).stdout;
    expect(text).toMatch(/progress check\s+AG EF final over [\d,]+ edges/);
  });

  it('should refuse --workers 0 as a usage error naming the option', async () => {
    const r = await vmcheck('check', 'fig6-relocation', '--workers', '0', '--json');
    expect(r.code).toBe(EXIT.usage);
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'usage', path: '--workers' });
  });
});
