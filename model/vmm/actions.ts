/**
 * The actions of the machine: one small named step each, a tagged union on `kind`.
 * Numbers in comments are the patent's flowchart steps.
 */
import { match } from 'ts-pattern';
import type { VmmContext } from './context.ts';

export type Action =
  // Guests
  | { readonly kind: 'guest.startIo'; readonly io: number } // start-I/O: direct, or intercepted (5050)
  | { readonly kind: 'guest.cpuAccess'; readonly access: number } // a CPU read or write of guest storage
  | { readonly kind: 'guest.offline'; readonly vm: number } // 7010
  | { readonly kind: 'guest.online'; readonly vm: number } // 7040
  // VMM simulation of start-I/O and paging
  | { readonly kind: 'vmm.translateIo'; readonly io: number } // 5070: build the host channel program, pin
  | { readonly kind: 'vmm.startHostProgram'; readonly io: number } // 5080
  | { readonly kind: 'vmm.startRefused'; readonly io: number } // 5083: busy, unpin, retry
  | { readonly kind: 'vmm.refuseIo'; readonly io: number } // addressing exception: storage offline since
  | { readonly kind: 'vmm.pageIn'; readonly vm: number; readonly page: number } // page fault
  | { readonly kind: 'vmm.stealPage'; readonly vm: number; readonly page: number; readonly victim: number } // page fault, no free frame
  // Channels
  | { readonly kind: 'channel.transfer'; readonly channel: number }
  | { readonly kind: 'channel.end'; readonly channel: number }
  | { readonly kind: 'channel.error'; readonly channel: number }
  // CPUs
  | { readonly kind: 'cpu.dispatch'; readonly cpu: number; readonly vm: number }
  // Requests and events
  | { readonly kind: 'vm.terminate'; readonly vm: number }
  | { readonly kind: 'request.begin'; readonly request: number }
  | { readonly kind: 'request.refuse'; readonly request: number } // destination not free: refused
  | { readonly kind: 'request.arrive'; readonly request: number } // arrives during a reconfiguration: waits (7.13)
  | { readonly kind: 'event.arrive'; readonly event: number }
  // Relocation (Fig. 5)
  | { readonly kind: 'reloc.clearDirect' } // 5000
  | { readonly kind: 'reloc.buildSpace' } // 5010
  | { readonly kind: 'reloc.pageOut'; readonly page: number } // 5020-5030
  | { readonly kind: 'reloc.copyAll' } // 5035 yes -> 5040
  | { readonly kind: 'reloc.startPaging' } // 5035 no -> 5050
  | { readonly kind: 'reloc.copyPage'; readonly page: number } // 5085: copy
  | { readonly kind: 'reloc.remapPage' } // 5085: switch the PT entry
  | { readonly kind: 'reloc.pageInToDest'; readonly page: number } // [0031]
  | { readonly kind: 'reloc.breakCycle' } // 5085: move a page out of another's way
  | { readonly kind: 'reloc.setOrigin' } // 5090-5100
  | { readonly kind: 'reloc.setPageFixed' } // 5110
  | { readonly kind: 'reloc.setDirect' } // 5120
  | { readonly kind: 'reloc.dispatch' } // 5130-5160
  // Prior art ([0005])
  | { readonly kind: 'prior.suspend' }
  | { readonly kind: 'prior.copy' }
  | { readonly kind: 'prior.resume' }
  // Resize on an event (Fig. 8)
  | { readonly kind: 'resize.begin'; readonly event: number }
  | { readonly kind: 'resize.refuse'; readonly event: number } // the table no longer fits: refused (7.13)
  | { readonly kind: 'resize.askShrink'; readonly vm: number } // 7000
  | { readonly kind: 'resize.relocate'; readonly vm: number } // 7020
  | { readonly kind: 'resize.askGrow'; readonly vm: number } // 7030
  | { readonly kind: 'resize.reassignCpus' }; // 7050

/** Every action kind, in the order actions are enumerated. */
export const ACTION_KINDS = [
  'guest.startIo',
  'guest.cpuAccess',
  'guest.offline',
  'guest.online',
  'vmm.translateIo',
  'vmm.startHostProgram',
  'vmm.startRefused',
  'vmm.refuseIo',
  'vmm.pageIn',
  'vmm.stealPage',
  'channel.transfer',
  'channel.end',
  'channel.error',
  'cpu.dispatch',
  'vm.terminate',
  'request.begin',
  'request.refuse',
  'event.arrive',
  'reloc.clearDirect',
  'reloc.buildSpace',
  'reloc.pageOut',
  'reloc.copyAll',
  'reloc.startPaging',
  'reloc.copyPage',
  'reloc.remapPage',
  'reloc.pageInToDest',
  'reloc.breakCycle',
  'reloc.setOrigin',
  'reloc.setPageFixed',
  'reloc.setDirect',
  'reloc.dispatch',
  'prior.suspend',
  'prior.copy',
  'prior.resume',
  'resize.begin',
  'resize.askShrink',
  'resize.relocate',
  'resize.askGrow',
  'resize.reassignCpus',
  'request.arrive',
  'resize.refuse',
] as const satisfies readonly Action['kind'][];

/** An action kind. */
export type ActionKind = Action['kind'];

/** One line saying what an action does, with names from the scenario. */
export function describeAction(ctx: VmmContext, action: Action): string {
  const vm = (i: number) => ctx.vmNames[i] ?? `VM#${i}`;
  return match(action)
    .with({ kind: 'guest.startIo' }, (a) => {
      const io = ctx.io[a.io]!;
      const pages = io.transfers.map((t) => `${t.op} p${t.page}`).join(', ');
      return `guest.startIo io${a.io}: ${vm(io.vm)} starts I/O on channel ${io.channel} (${pages})`;
    })
    .with({ kind: 'guest.cpuAccess' }, (a) => {
      const x = ctx.access[a.access]!;
      return `guest.cpuAccess: ${vm(x.vm)} CPU ${x.op}s page ${x.page}`;
    })
    .with(
      { kind: 'guest.offline' },
      (a) => `guest.offline: ${vm(a.vm)} takes its high storage offline (7010)`,
    )
    .with({ kind: 'guest.online' }, (a) => `guest.online: ${vm(a.vm)} brings its new storage online (7040)`)
    .with(
      { kind: 'vmm.translateIo' },
      (a) => `vmm.translateIo io${a.io}: build host channel program and pin (5070)`,
    )
    .with(
      { kind: 'vmm.startHostProgram' },
      (a) => `vmm.startHostProgram io${a.io}: start host program (5080)`,
    )
    .with(
      { kind: 'vmm.startRefused' },
      (a) => `vmm.startRefused io${a.io}: channel busy, unpin and retry (5083)`,
    )
    .with(
      { kind: 'vmm.refuseIo' },
      (a) => `vmm.refuseIo io${a.io}: it names storage now offline, addressing exception (5070)`,
    )
    .with({ kind: 'vmm.pageIn' }, (a) => `vmm.pageIn: page fault, page in ${vm(a.vm)} page ${a.page}`)
    .with(
      { kind: 'vmm.stealPage' },
      (a) =>
        `vmm.stealPage: page fault, no free frame: page ${vm(a.vm)} page ${a.victim} out and page ${a.page} in to its frame`,
    )
    .with({ kind: 'channel.transfer' }, (a) => `channel.transfer: channel ${a.channel} moves one page`)
    .with({ kind: 'channel.end' }, (a) => `channel.end: channel ${a.channel} ends normally, I/O interrupt`)
    .with(
      { kind: 'channel.error' },
      (a) => `channel.error: channel ${a.channel} ends with an error, I/O interrupt`,
    )
    .with({ kind: 'cpu.dispatch' }, (a) => `cpu.dispatch: CPU ${a.cpu} runs ${vm(a.vm)}`)
    .with({ kind: 'vm.terminate' }, (a) => `vm.terminate: ${vm(a.vm)} ends and its frames are freed`)
    .with({ kind: 'request.begin' }, (a) => {
      const r = ctx.requests[a.request]!;
      const where =
        'to' in r ? ` to frame ${r.to}` : 'resident' in r ? ` keeping ${r.resident} resident` : '';
      return `request.begin: ${r.kind} ${vm(r.vm)}${where}`;
    })
    .with({ kind: 'request.refuse' }, (a) => {
      const r = ctx.requests[a.request]!;
      const to = 'to' in r ? r.to : -1;
      return `request.refuse: ${r.kind} ${vm(r.vm)} to frame ${to} refused, a frame there holds another VM's page`;
    })
    .with({ kind: 'request.arrive' }, (a) => {
      const r = ctx.requests[a.request]!;
      return `request.arrive: ${r.kind} ${vm(r.vm)} arrives while a reconfiguration runs (7.13)`;
    })
    .with({ kind: 'event.arrive' }, (a) => {
      const e = ctx.events[a.event]!;
      return e.trigger === 'timeOfDay'
        ? `event.arrive: time of day ${e.label}`
        : `event.arrive: partner ${e.label} fails`;
    })
    .with({ kind: 'reloc.clearDirect' }, () => 'reloc.clearDirect: clear bit 431 (5000)')
    .with(
      { kind: 'reloc.buildSpace' },
      () => 'reloc.buildSpace: build host virtual space, VM becomes pageable (5010)',
    )
    .with({ kind: 'reloc.pageOut' }, (a) => `reloc.pageOut: page out page ${a.page} (5020-5030)`)
    .with(
      { kind: 'reloc.copyAll' },
      () => 'reloc.copyAll: no I/O in flight, copy every page and remap (5035 yes, 5040)',
    )
    .with(
      { kind: 'reloc.startPaging' },
      () => 'reloc.startPaging: I/O in flight, run pageable and move page by page (5035 no)',
    )
    .with({ kind: 'reloc.copyPage' }, (a) => `reloc.copyPage: copy page ${a.page} to its destination (5085)`)
    .with({ kind: 'reloc.remapPage' }, () => 'reloc.remapPage: switch the PT entry to the copy (5085)')
    .with(
      { kind: 'reloc.pageInToDest' },
      (a) => `reloc.pageInToDest: page in page ${a.page} at its destination`,
    )
    .with(
      { kind: 'reloc.breakCycle' },
      () =>
        "reloc.breakCycle: every page left waits for a frame another of the VM's pages holds; move that one to a free frame, or page it out (5085)",
    )
    .with({ kind: 'reloc.setOrigin' }, () => 'reloc.setOrigin: set origin/end to the destination (5090-5100)')
    .with({ kind: 'reloc.setPageFixed' }, () => 'reloc.setPageFixed: set bit 432 (5110)')
    .with({ kind: 'reloc.setDirect' }, () => 'reloc.setDirect: set bit 431 (5120)')
    .with({ kind: 'reloc.dispatch' }, () => 'reloc.dispatch: relocation done, dispatch (5130-5160)')
    .with({ kind: 'prior.suspend' }, () => 'prior.suspend: suspend channel access (prior art)')
    .with({ kind: 'prior.copy' }, () => 'prior.copy: copy the area and set origin/end (prior art)')
    .with({ kind: 'prior.resume' }, () => 'prior.resume: resume host channel programs (prior art)')
    .with(
      { kind: 'resize.begin' },
      (a) => `resize.begin: process event ${a.event} with its configuration table`,
    )
    .with(
      { kind: 'resize.refuse' },
      (a) => `resize.refuse: event ${a.event}'s configuration table no longer fits the machine: refused`,
    )
    .with({ kind: 'resize.askShrink' }, (a) => `resize.askShrink: ask ${vm(a.vm)} to shrink (7000)`)
    .with({ kind: 'resize.relocate' }, (a) => `resize.relocate: relocate ${vm(a.vm)} (7020)`)
    .with(
      { kind: 'resize.askGrow' },
      (a) => `resize.askGrow: extend ${vm(a.vm)}'s area and ask it to grow (7030)`,
    )
    .with({ kind: 'resize.reassignCpus' }, () => 'resize.reassignCpus: assign CPUs per the table (7050)')
    .exhaustive();
}
