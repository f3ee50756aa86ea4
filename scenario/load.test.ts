import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkBfs } from '../generators/bfs.ts';
import { createCheckModel } from '../properties/checkModel.ts';
import { parseScenario, parseScenarioText, ScenarioError } from './load.ts';
import { SCENARIO_LIMITS } from './schema.ts';

const fig6 = () =>
  JSON.parse(readFileSync(new URL('../scenarios/fig6-relocation.json', import.meta.url), 'utf8'));
const fig8 = () =>
  JSON.parse(readFileSync(new URL('../scenarios/fig8-resize.json', import.meta.url), 'utf8'));

function issuesOf(raw: unknown): string[] {
  try {
    parseScenario(raw, 'test');
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return (error as ScenarioError).issues.map((i) => `${i.path}: ${i.message}`);
  }
  return [];
}

describe('loading a scenario', () => {
  it('should accept every shipped scenario', () => {
    for (const name of ['fig6-relocation', 'fig8-resize', 'fig1-failover', 'pageable-conversion']) {
      const text = readFileSync(new URL(`../scenarios/${name}.json`, import.meta.url), 'utf8');
      expect(parseScenarioText(text, name).name).toBe(name);
    }
  });

  it('should name the position of a JSON syntax error', () => {
    expect(() => parseScenarioText('{"name": ', 'x.json')).toThrow(/x\.json: not valid JSON/);
  });

  it('should refuse overlapping areas, naming the field and both owners', () => {
    const s = fig6();
    s.vms[1].origin = 2;
    expect(issuesOf(s)).toContain('vms[1].origin: area frames 2..3 overlaps VM-1 at frame 2');
  });

  it('should refuse an area that does not fit in storage', () => {
    const s = fig6();
    s.vms[2].origin = 6;
    expect(issuesOf(s)).toContain('vms[2].origin: area frames 6..7 does not fit in main storage (7 frames)');
  });

  it('should refuse an unknown variant', () => {
    const s = fig6();
    s.variant = 'magic';
    expect(issuesOf(s)[0]).toMatch(/^variant: /);
  });

  it('should refuse a table that oversubscribes storage', () => {
    const s = fig8();
    s.events[0].table['VM-1'].after.size = 5;
    expect(issuesOf(s)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^events\[0\]\.table: after sizes total 7 pages but only 6 frames/),
      ]),
    );
  });

  it('should refuse a table that dedicates one CPU to two VMs', () => {
    const s = fig8();
    s.events[0].table['VM-2'].after.cpus = { mode: 'shared', cpus: [0] };
    expect(issuesOf(s)).toContain(
      'events[0].table.VM-1.after.cpus: CPU 0 is dedicated to VM-1 but also assigned to VM-2',
    );
  });

  it('should refuse a CPU that does not exist', () => {
    const s = fig8();
    s.vms[0].cpus.cpus = [0, 7];
    expect(issuesOf(s)).toContain('vms[0].cpus.cpus[1]: CPU 7 does not exist (2 CPUs)');
  });

  it('should refuse unknown VMs, channels and transfers past the guest size', () => {
    const s = fig6();
    s.io[0].vm = 'VM-9';
    s.io[1].channel = 3;
    s.io[1].program[0].length = 5;
    const issues = issuesOf(s);
    expect(issues).toContain('io[0].vm: unknown VM VM-9 (known: VM-1, VM-2, VM-3)');
    expect(issues).toContain('io[1].channel: channel 3 does not exist (1 channels)');
    expect(issues).toContain(
      "io[1].program[0]: pages 0..4 reach more than one page past VM-2's size (2 pages)",
    );
    s.io[1].program[0].length = 3; // one page past: allowed, refused with an addressing exception
    expect(issuesOf(s).filter((x) => x.startsWith('io[1].program'))).toEqual([]);
  });

  it('should refuse a misspelt field instead of ignoring it', () => {
    const s = fig6();
    s.vms[0].orgin = 1;
    expect(issuesOf(s).join()).toMatch(/vms\[0\]: Unrecognized key/i);
  });

  it('should refuse bit 431 on a pageable VM (SPEC 7.7)', () => {
    const s = fig6();
    s.vms[0] = {
      name: 'VM-1',
      size: 2,
      pageFixed: false,
      direct: true,
      frames: [1, null],
      cpus: { mode: 'shared', cpus: [0] },
    };
    expect(issuesOf(s)).toContain('vms[0].direct: bit 431 may be 1 only for a page-fixed VM (SPEC 7.7)');
  });

  it('should refuse sizes past the documented limits, naming the field', () => {
    const many = <T>(n: number, item: T) => Array.from({ length: n }, () => item);
    const io = fig6().io[0];
    expect(issuesOf({ ...fig6(), storage: { ...fig6().storage, frames: 1_000_000 } })).toEqual([
      'storage.frames: Too big: expected number to be <=1024',
    ]);
    expect(issuesOf({ ...fig6(), io: many(120_000, io) })[0]).toMatch(/^io: Too big/);
    expect(issuesOf({ ...fig6(), channels: SCENARIO_LIMITS.channels + 1 })[0]).toMatch(/^channels: Too big/);
    expect(issuesOf({ ...fig6(), io: many(SCENARIO_LIMITS.io, io) })).toEqual([]);
  });

  it('should refuse relocating onto frames another VM still holds at that point of the requests', () => {
    // VM-3 holds frames 5..6 until it is terminated; relocating VM-2 to 4 before that does not fit.
    const early = { ...fig6(), reconfigurations: [{ kind: 'relocate', vm: 'VM-2', to: 4 }] };
    expect(issuesOf(early)).toEqual([
      'reconfigurations[0]: relocate VM-2 to frames 4..5: frame 5 is still held by VM-3 at this point (no earlier request terminates or moves it); the storage manager refuses this (does-not-fit)',
    ]);
    expect(issuesOf(fig6())).toEqual([]);
  });

  it('should refuse a request on a VM an earlier request terminated', () => {
    const late = {
      ...fig6(),
      reconfigurations: [...fig6().reconfigurations, { kind: 'relocate', vm: 'VM-3', to: 5 }],
    };
    expect(issuesOf(late)).toEqual([
      'reconfigurations[2]: VM-3 was terminated by reconfigurations[0]; nothing is left to relocate',
    ]);
  });

  it('should load and stop within its bounds a scenario near the limits (injected clock)', () => {
    const L = SCENARIO_LIMITS;
    const vms = Array.from({ length: L.vms }, (_, i) => ({
      name: `VM-${i + 1}`,
      size: 60,
      origin: 1 + i * 60,
      cpus: { mode: 'shared', cpus: [0] },
    }));
    const scenario = parseScenario({
      name: 'near-limits',
      storage: { frames: L.frames, vmmFrames: 1 },
      channels: L.channels,
      cpus: L.cpus,
      vms,
      io: Array.from({ length: L.io }, (_, i) => ({
        vm: `VM-${(i % L.vms) + 1}`,
        channel: i % L.channels,
        program: [{ op: 'write', page: 0, length: 1 }],
      })),
      reconfigurations: [{ kind: 'relocate', vm: `VM-${L.vms}`, to: 1 + L.vms * 60 }],
    });
    let t = 0;
    const result = checkBfs(createCheckModel(scenario, 'patent'), {
      timeoutMs: 1,
      now: () => t++,
      witnessTraces: false,
    });
    expect(result.incompleteReason).toBe('timeout');
    // The clock is read at the start (0), then every 16 generated states: 1 at the first, 2 > 1 at the 17th.
    expect(result.stats.statesGenerated).toBe(17);
  });
});
