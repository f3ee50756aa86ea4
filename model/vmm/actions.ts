/**
 * The type of the machine's actions: one small named step each, a tagged union on `kind`, with
 * its parameters. Numbers in comments are the patent's flowchart steps. Everything else about an
 * action (its step, summary, description, guard, effect, footprint) is its entry in
 * `ACTION_TABLE` (machine.ts), which must have one entry per kind of this union.
 */

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

/** An action kind. */
export type ActionKind = Action['kind'];
