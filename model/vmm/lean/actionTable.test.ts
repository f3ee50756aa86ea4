import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../../scenario/load.ts';
import { buildContext } from '../context.ts';
import { ACTION_KINDS } from '../machine.ts';
import * as A from './actionTable.ts';

describe('the lean action table', () => {
  it.each(['fig6-relocation', 'fig8-resize', 'fig1-failover', 'pageable-conversion'])(
    'should give each code of %s the kind (its index in ACTION_KINDS), name and parameters of its action',
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
        const paging = action.kind === 'vmm.pageIn' || action.kind === 'vmm.stealPage';
        const second = paging ? a.page : action.kind === 'cpu.dispatch' ? a.vm : 0;
        const third = action.kind === 'vmm.stealPage' ? a.victim : 0;
        expect([table.arg[code], table.arg2[code], table.arg3[code]]).toEqual([first, second, third]);
      });
    },
  );
});
