import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScenario, parseScenarioText, ScenarioError } from './load.ts';

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
    expect(issues).toContain("io[1].program[0]: pages 0..4 are past VM-2's size (2 pages)");
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
});
