import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../../scenario/load.ts';
import { ACTION_KINDS } from '../actions.ts';
import { buildContext } from '../context.ts';
import * as A from './actionTable.ts';

const KIND_CONSTANTS = Object.entries(A).filter(([name]) => name.startsWith('A_'));

describe('the lean action table', () => {
  it('should number kinds by their index in ACTION_KINDS', () => {
    expect(KIND_CONSTANTS).toHaveLength(ACTION_KINDS.length);
    for (const [name, value] of KIND_CONSTANTS) {
      const kind = ACTION_KINDS[value as number]!;
      const [scope, verb] = kind.split('.');
      expect(name).toBe(`A_${scope}_${verb!.replace(/[A-Z]/g, (c) => `_${c}`)}`.toUpperCase());
    }
  });

  it.each(['fig6-relocation', 'fig8-resize', 'fig1-failover', 'pageable-conversion'])(
    'should give each code of %s the kind, name and parameters of its readable action',
    (name) => {
      const ctx = buildContext(
        loadScenarioFile(new URL(`../../../scenarios/${name}.json`, import.meta.url).pathname),
        'patent',
      );
      const table = A.buildActionTable(ctx, 4);
      table.actions.forEach((action, code) => {
        expect(ACTION_KINDS[table.kind[code]!]).toBe(action.kind);
        expect(table.kindName[code]).toBe(action.kind);
        const a = action as unknown as Record<string, number>;
        const first = a.io ?? a.access ?? a.cpu ?? a.channel ?? a.request ?? a.event ?? a.vm ?? a.page ?? 0;
        const second = action.kind === 'vmm.pageIn' ? a.page : action.kind === 'cpu.dispatch' ? a.vm : 0;
        expect([table.arg[code], table.arg2[code]]).toEqual([first, second]);
      });
    },
  );
});
