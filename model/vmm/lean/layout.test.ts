import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../../scenario/load.ts';
import { buildContext } from '../context.ts';
import { createLayout, fieldAt, fieldName, GLOBAL_FIELDS, VM_SCALAR_FIELDS } from './layout.ts';

const DIR = new URL('../../../scenarios/', import.meta.url).pathname;
const NAMES = readdirSync(DIR).filter((f) => f.endsWith('.json'));

describe('the declarative layout', () => {
  it.each(NAMES)('should give every word of %s exactly one field, block and slot', (file) => {
    const scenario = loadScenarioFile(`${DIR}${file}`);
    const L = createLayout(buildContext(scenario, 'patent'));
    const names = new Set<string>();
    for (let offset = 0; offset < L.length; offset++) names.add(fieldName(L, offset));
    expect(names.size).toBe(L.length);
    expect(L.length).toBe(
      GLOBAL_FIELDS.length +
        scenario.storage.frames +
        scenario.vms.length * L.vmStride +
        scenario.channels +
        L.ctx.io.length * L.ioStride +
        L.ctx.access.length +
        scenario.cpus +
        L.ctx.events.length,
    );
  });

  it('should name the words that the derived offsets point at', () => {
    const scenario = loadScenarioFile(`${DIR}${NAMES[0]}`);
    const L = createLayout(buildContext(scenario, 'patent'));
    expect(fieldAt(L, 1)).toEqual({ field: 'nextRequest', index: -1, slot: -1 });
    expect(fieldName(L, L.vms + L.vmStride + VM_SCALAR_FIELDS.indexOf('size'))).toBe('vm[1].size');
    expect(fieldName(L, L.vms + L.pins + 2)).toBe('vm[0].pins[2]');
    expect(fieldName(L, L.frames + 3)).toBe('frames[3]');
    expect(() => fieldAt(L, L.length)).toThrow(RangeError);
  });
});
