/**
 * Every action a scenario can produce, numbered once: the lean model's actions are indices into
 * this table, so enumerating actions allocates no objects and the readable `Action` of a code is
 * one array lookup.
 */
import type { Action } from '../actions.ts';
import type { VmmContext } from '../context.ts';

/** Codes of the actions of one scenario, grouped by kind; `actions[code]` is the readable action. */
export interface ActionTable {
  readonly actions: readonly Action[];
  readonly startIo: Int32Array;
  readonly cpuAccess: Int32Array;
  readonly offline: Int32Array;
  readonly online: Int32Array;
  readonly translateIo: Int32Array;
  readonly startHostProgram: Int32Array;
  readonly startRefused: Int32Array;
  /** `pageIn[vm * maxPages + page]`. */
  readonly pageIn: Int32Array;
  readonly transfer: Int32Array;
  readonly end: Int32Array;
  readonly error: Int32Array;
  /** `dispatch[cpu * vmCount + vm]`. */
  readonly dispatch: Int32Array;
  readonly terminate: Int32Array;
  readonly requestBegin: Int32Array;
  readonly eventArrive: Int32Array;
  readonly clearDirect: number;
  readonly buildSpace: number;
  readonly pageOut: Int32Array;
  readonly copyAll: number;
  readonly startPaging: number;
  readonly copyPage: Int32Array;
  readonly remapPage: number;
  readonly pageInToDest: Int32Array;
  readonly setOrigin: number;
  readonly setPageFixed: number;
  readonly setDirect: number;
  readonly relocDispatch: number;
  readonly priorSuspend: number;
  readonly priorCopy: number;
  readonly priorResume: number;
  readonly resizeBegin: Int32Array;
  readonly askShrink: Int32Array;
  readonly resizeRelocate: Int32Array;
  readonly askGrow: Int32Array;
  readonly reassignCpus: number;
}

/** Number every action of `ctx`'s scenario; `maxPages` bounds page parameters. */
export function buildActionTable(ctx: VmmContext, maxPages: number): ActionTable {
  const actions: Action[] = [];
  const add = (a: Action): number => actions.push(a) - 1;
  const each = (n: number, make: (i: number) => Action) =>
    Int32Array.from({ length: n }, (_, i) => add(make(i)));
  const V = ctx.vmNames.length;
  const C = ctx.scenario.channels;
  const cpus = ctx.scenario.cpus;
  return {
    actions,
    startIo: each(ctx.io.length, (io) => ({ kind: 'guest.startIo', io })),
    cpuAccess: each(ctx.access.length, (access) => ({ kind: 'guest.cpuAccess', access })),
    offline: each(V, (vm) => ({ kind: 'guest.offline', vm })),
    online: each(V, (vm) => ({ kind: 'guest.online', vm })),
    translateIo: each(ctx.io.length, (io) => ({ kind: 'vmm.translateIo', io })),
    startHostProgram: each(ctx.io.length, (io) => ({ kind: 'vmm.startHostProgram', io })),
    startRefused: each(ctx.io.length, (io) => ({ kind: 'vmm.startRefused', io })),
    pageIn: each(V * maxPages, (i) => ({
      kind: 'vmm.pageIn',
      vm: Math.floor(i / maxPages),
      page: i % maxPages,
    })),
    transfer: each(C, (channel) => ({ kind: 'channel.transfer', channel })),
    end: each(C, (channel) => ({ kind: 'channel.end', channel })),
    error: each(C, (channel) => ({ kind: 'channel.error', channel })),
    dispatch: each(cpus * V, (i) => ({ kind: 'cpu.dispatch', cpu: Math.floor(i / V), vm: i % V })),
    terminate: each(V, (vm) => ({ kind: 'vm.terminate', vm })),
    requestBegin: each(ctx.requests.length, (request) => ({ kind: 'request.begin', request })),
    eventArrive: each(ctx.events.length, (event) => ({ kind: 'event.arrive', event })),
    clearDirect: add({ kind: 'reloc.clearDirect' }),
    buildSpace: add({ kind: 'reloc.buildSpace' }),
    pageOut: each(maxPages, (page) => ({ kind: 'reloc.pageOut', page })),
    copyAll: add({ kind: 'reloc.copyAll' }),
    startPaging: add({ kind: 'reloc.startPaging' }),
    copyPage: each(maxPages, (page) => ({ kind: 'reloc.copyPage', page })),
    remapPage: add({ kind: 'reloc.remapPage' }),
    pageInToDest: each(maxPages, (page) => ({ kind: 'reloc.pageInToDest', page })),
    setOrigin: add({ kind: 'reloc.setOrigin' }),
    setPageFixed: add({ kind: 'reloc.setPageFixed' }),
    setDirect: add({ kind: 'reloc.setDirect' }),
    relocDispatch: add({ kind: 'reloc.dispatch' }),
    priorSuspend: add({ kind: 'prior.suspend' }),
    priorCopy: add({ kind: 'prior.copy' }),
    priorResume: add({ kind: 'prior.resume' }),
    resizeBegin: each(ctx.events.length, (event) => ({ kind: 'resize.begin', event })),
    askShrink: each(V, (vm) => ({ kind: 'resize.askShrink', vm })),
    resizeRelocate: each(V, (vm) => ({ kind: 'resize.relocate', vm })),
    askGrow: each(V, (vm) => ({ kind: 'resize.askGrow', vm })),
    reassignCpus: add({ kind: 'resize.reassignCpus' }),
  };
}
