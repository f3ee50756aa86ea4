import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  check,
  EXIT,
  loadScenario,
  renderRunJson,
  renderRunText,
  renderTraceHtmlPage,
  renderTraceItf,
  replay,
  ScenarioError,
  simulate,
  writeRunReports,
} from './index.ts';

const FIG6 = JSON.parse(readFileSync(new URL('../scenarios/fig6-relocation.json', import.meta.url), 'utf8'));

describe('the library entry point (same figures as the command line)', () => {
  it('should check a shipped scenario: ok, exit 0, the pinned 2400 states', async () => {
    const run = await check('fig6-relocation');
    expect([run.verdict, run.exitCode, run.result.stats.distinctStates]).toEqual(['ok', EXIT.ok, 2400]);
    expect(renderRunText(run)).toContain('Discoveries (0)');
  });

  it('should give the shortest prior-art stale write, render it and replay it', async () => {
    const run = await check(FIG6, { variant: 'prior-art', invariants: ['noStaleWrite'] });
    expect([run.verdict, run.exitCode]).toEqual(['violation', EXIT.violation]);
    const [stale] = run.discoveries;
    expect([stale!.violation.invariant, stale!.trace.steps.length]).toEqual(['noStaleWrite', 9]);
    expect(renderRunJson(run).violations[0]!.steps).toBe(9);
    expect(renderTraceHtmlPage(run, stale!.trace, stale!.violation)).toContain(
      '<h1>fig6-relocation / prior-art',
    );
    const replayed = replay(renderTraceItf(run, stale!.trace, stale!.violation));
    expect(replayed.violation?.invariant).toBe('noStaleWrite');
    expect(replayed.trace.steps).toHaveLength(9);
    const itf = renderTraceItf(run, stale!.trace, stale!.violation);
    const cut = { ...itf, states: itf.states.slice(0, -1) };
    expect(() => replay(cut)).toThrow(expect.objectContaining({ code: 'bad-trace' }));
  });

  it("should record a user's scenario file in the traces it writes, so replay needs no scenario", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmcheck-api-'));
    const file = join(dir, 'mine.json');
    writeFileSync(file, JSON.stringify({ ...FIG6, name: 'mine' }));
    const run = await check(file, { variant: 'prior-art', invariants: ['noStaleWrite'] });
    expect(run.source).toBe(file);
    const [itf] = writeRunReports(run, dir).filter((f) => f.endsWith('.itf.json'));
    expect(replay(readFileSync(itf!, 'utf8')).scenario.name).toBe('mine');
  });

  it('should simulate with the shortest violating walk per property and its own seed', async () => {
    const run = await simulate('fig6-relocation', { variant: 'fault-overlap-copy', runs: 50, seed: 7 });
    expect(run.discoveries.map((d) => [d.violation.invariant, d.trace.steps.length])).toEqual([
      ['framesAreIsolated', 14],
      ['contentIsPreserved', 14],
    ]);
    const seed = run.discoveries[0]!.seed!;
    const alone = await simulate('fig6-relocation', { variant: 'fault-overlap-copy', runs: 1, seed });
    expect(alone.discoveries[0]!.trace.steps).toHaveLength(14);
  });

  it('should refuse a bad scenario naming the field', () => {
    expect(() => loadScenario({ ...FIG6, frames: -1 })).toThrow(ScenarioError);
    expect(() => loadScenario({ ...FIG6, frames: -1 })).toThrow(/frames/);
  });
});
