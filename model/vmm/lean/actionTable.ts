/**
 * Every action a scenario can produce, numbered once: the model's actions are indices into
 * this table, so enumerating actions allocates no objects and the `Action` object of a code is
 * one array lookup.
 */
import type { Action } from '../actions.ts';
import type { VmmContext } from '../context.ts';
import { ACTION_KINDS } from '../machine.ts';

/** Codes of the actions of one scenario, grouped by kind; `actions[code]` is its `Action` object. */
export interface ActionTable {
  readonly actions: readonly Action[];
  /** `kind[code]`: the action's numeric kind, its index in `ACTION_KINDS`. */
  readonly kind: Uint8Array;
  /** `kindName[code]`: the action's kind as in `ACTION_KINDS`, for coverage statistics. */
  readonly kindName: readonly string[];
  /**
   * `arg[code]`: the action's first parameter (io, access, vm, page, channel, request or event;
   * the CPU of `cpu.dispatch`), 0 when it has none; `arg2[code]`: the page of `vmm.pageIn`, the VM
   * of `cpu.dispatch`, else 0; `arg3[code]`: the victim of `vmm.stealPage`, else 0. Plain arrays
   * of numbers, so the hot path reads no action objects.
   */
  readonly arg: Int32Array;
  readonly arg2: Int32Array;
  readonly arg3: Int32Array;
  readonly startIo: Int32Array;
  readonly cpuAccess: Int32Array;
  readonly offline: Int32Array;
  readonly online: Int32Array;
  readonly translateIo: Int32Array;
  readonly startHostProgram: Int32Array;
  readonly startRefused: Int32Array;
  readonly refuseIo: Int32Array;
  /** `pageIn[vm * maxPages + page]`. */
  readonly pageIn: Int32Array;
  /** `stealPage[(vm * maxPages + page) * maxPages + victim]`. */
  readonly stealPage: Int32Array;
  readonly transfer: Int32Array;
  readonly end: Int32Array;
  readonly error: Int32Array;
  /** `dispatch[cpu * vmCount + vm]`. */
  readonly dispatch: Int32Array;
  readonly terminate: Int32Array;
  readonly requestBegin: Int32Array;
  readonly requestRefuse: Int32Array;
  readonly requestArrive: Int32Array;
  readonly eventArrive: Int32Array;
  readonly clearDirect: number;
  readonly buildSpace: number;
  readonly pageOut: Int32Array;
  readonly copyAll: number;
  readonly startPaging: number;
  readonly copyPage: Int32Array;
  readonly remapPage: number;
  readonly pageInToDest: Int32Array;
  readonly breakCycle: number;
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
  readonly resizeRefuse: Int32Array;
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
  // One object literal, its fields always in this order: a spread or late additions would give
  // tables of later models another hidden class, and deoptimise the step compiled for the first.
  return {
    actions,
    startIo: each(ctx.io.length, (io) => ({ kind: 'guest.startIo', io })),
    cpuAccess: each(ctx.access.length, (access) => ({ kind: 'guest.cpuAccess', access })),
    offline: each(V, (vm) => ({ kind: 'guest.offline', vm })),
    online: each(V, (vm) => ({ kind: 'guest.online', vm })),
    translateIo: each(ctx.io.length, (io) => ({ kind: 'vmm.translateIo', io })),
    startHostProgram: each(ctx.io.length, (io) => ({ kind: 'vmm.startHostProgram', io })),
    startRefused: each(ctx.io.length, (io) => ({ kind: 'vmm.startRefused', io })),
    refuseIo: each(ctx.io.length, (io) => ({ kind: 'vmm.refuseIo', io })),
    pageIn: each(V * maxPages, (i) => ({
      kind: 'vmm.pageIn',
      vm: Math.floor(i / maxPages),
      page: i % maxPages,
    })),
    stealPage: each(V * maxPages * maxPages, (i) => ({
      kind: 'vmm.stealPage',
      vm: Math.floor(i / (maxPages * maxPages)),
      page: Math.floor(i / maxPages) % maxPages,
      victim: i % maxPages,
    })),
    transfer: each(C, (channel) => ({ kind: 'channel.transfer', channel })),
    end: each(C, (channel) => ({ kind: 'channel.end', channel })),
    error: each(C, (channel) => ({ kind: 'channel.error', channel })),
    dispatch: each(cpus * V, (i) => ({ kind: 'cpu.dispatch', cpu: Math.floor(i / V), vm: i % V })),
    terminate: each(V, (vm) => ({ kind: 'vm.terminate', vm })),
    requestBegin: each(ctx.requests.length, (request) => ({ kind: 'request.begin', request })),
    requestRefuse: each(ctx.requests.length, (request) => ({ kind: 'request.refuse', request })),
    requestArrive: each(ctx.requests.length, (request) => ({ kind: 'request.arrive', request })),
    eventArrive: each(ctx.events.length, (event) => ({ kind: 'event.arrive', event })),
    clearDirect: add({ kind: 'reloc.clearDirect' }),
    buildSpace: add({ kind: 'reloc.buildSpace' }),
    pageOut: each(maxPages, (page) => ({ kind: 'reloc.pageOut', page })),
    copyAll: add({ kind: 'reloc.copyAll' }),
    startPaging: add({ kind: 'reloc.startPaging' }),
    copyPage: each(maxPages, (page) => ({ kind: 'reloc.copyPage', page })),
    remapPage: add({ kind: 'reloc.remapPage' }),
    pageInToDest: each(maxPages, (page) => ({ kind: 'reloc.pageInToDest', page })),
    breakCycle: add({ kind: 'reloc.breakCycle' }),
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
    resizeRefuse: each(ctx.events.length, (event) => ({ kind: 'resize.refuse', event })),
    // Evaluated last, once every action above is numbered.
    kind: Uint8Array.from(actions, (a) => ACTION_KINDS.indexOf(a.kind)),
    kindName: actions.map((a) => a.kind),
    arg: Int32Array.from(actions, (a) => parameters(a)[0]),
    arg2: Int32Array.from(actions, (a) => parameters(a)[1]),
    arg3: Int32Array.from(actions, (a) => (a.kind === 'vmm.stealPage' ? a.victim : 0)),
  };
}

/** The numeric parameters of `a`, as `ActionTable.arg` and `arg2` hold them. */
function parameters(a: Action): [number, number] {
  switch (a.kind) {
    case 'guest.startIo':
    case 'vmm.translateIo':
    case 'vmm.startHostProgram':
    case 'vmm.startRefused':
    case 'vmm.refuseIo':
      return [a.io, 0];
    case 'guest.cpuAccess':
      return [a.access, 0];
    case 'guest.offline':
    case 'guest.online':
    case 'vm.terminate':
    case 'resize.askShrink':
    case 'resize.relocate':
    case 'resize.askGrow':
      return [a.vm, 0];
    case 'vmm.pageIn':
    case 'vmm.stealPage':
      return [a.vm, a.page];
    case 'channel.transfer':
    case 'channel.end':
    case 'channel.error':
      return [a.channel, 0];
    case 'cpu.dispatch':
      return [a.cpu, a.vm];
    case 'request.begin':
    case 'request.refuse':
    case 'request.arrive':
      return [a.request, 0];
    case 'event.arrive':
    case 'resize.begin':
    case 'resize.refuse':
      return [a.event, 0];
    case 'reloc.pageOut':
    case 'reloc.copyPage':
    case 'reloc.pageInToDest':
      return [a.page, 0];
    default:
      return [0, 0];
  }
}
