import { describe, expect, it } from 'vitest';
import { VmcheckError } from '../model/core/model.ts';
import type { Action } from '../model/vmm/actions.ts';
import { ACTION_KINDS } from '../model/vmm/machine.ts';
import { loadScenarioFile } from '../scenario/load.ts';
import { createCheckModel } from './checkModel.ts';
import { createLeanModel } from './leanCheckModel.ts';

const load = (name: string) =>
  loadScenarioFile(new URL(`../scenarios/${name}.json`, import.meta.url).pathname);

function thrown(f: () => unknown): VmcheckError {
  try {
    f();
  } catch (e) {
    if (e instanceof VmcheckError) return e;
    throw e;
  }
  throw new Error('expected a VmcheckError');
}

describe('applying an action that is not enabled', () => {
  const scenario = load('fig6-relocation');
  const copy: Action = { kind: 'reloc.copyPage', page: 0 };

  it('should raise not-enabled through the JSON view, naming the action and the phase', () => {
    const model = createCheckModel(scenario, 'patent');
    const initial = model.initialStates()[0]!;
    const e = thrown(() => model.next(initial, copy));
    expect(e.code).toBe('not-enabled');
    expect(e.message).toMatch(/^reloc\.copyPage.* is not enabled: no reloc\.copyPage action is enabled/);
    expect(e.message).toContain('the VMM is idle');
  });

  it('should name the enabled parameters when only the parameters are wrong', () => {
    const model = createCheckModel(scenario, 'patent');
    const initial = model.initialStates()[0]!;
    const start = model.actions(initial).find((a) => a.kind === 'guest.startIo');
    expect(start).toBeDefined();
    const e = thrown(() => model.next(initial, { kind: 'guest.startIo', io: 99 }));
    expect(e.code).toBe('not-enabled');
    expect(e.message).toContain('its guard is false for these parameters');
    expect(e.message).toContain(JSON.stringify(start));
  });

  it('should raise the same error on the packed model, and accept every enabled action', () => {
    const lean = createLeanModel(scenario, 'patent');
    const view = createCheckModel(scenario, 'patent');
    const initial = lean.initialStates()[0]!;
    const code = lean.kit.T.first[ACTION_KINDS.indexOf('reloc.copyPage')]!;
    const e = thrown(() => lean.next(initial, code));
    expect(e.code).toBe('not-enabled');
    expect(e.message).toBe(thrown(() => view.next(view.initialStates()[0]!, copy)).message);
    expect(thrown(() => lean.next(initial, -1)).code).toBe('not-enabled');
    for (const c of lean.actions(initial)) expect(lean.next(initial, c).length).toBe(initial.length);
  });

  it('should skip the check when asked (the hot path)', () => {
    const lean = createLeanModel(scenario, 'patent', { checkEnabled: false });
    const initial = lean.initialStates()[0]!;
    expect(() =>
      lean.next(initial, lean.kit.T.first[ACTION_KINDS.indexOf('reloc.clearDirect')]!),
    ).not.toThrow();
  });
});
