/**
 * What reconfigurations (relocation, conversion, resize) need from the machine. Kept as an
 * interface so those modules do not import the machine itself.
 */
import type { VariantBehaviour } from './behaviour.ts';
import type { ChannelSubsystem } from './channel.ts';
import type { CpuComplex } from './cpus.ts';
import type { FrameTable } from './frames.ts';
import type { Pager } from './pager.ts';
import type { TableArena } from './pageTables.ts';
import type { PagingStore } from './pagingStore.ts';
import type { MainStorage } from './storage.ts';
import type { VmState } from './vm.ts';

/** The machine's parts, as reconfigurations see them. */
export interface MachineContext {
  readonly behaviour: VariantBehaviour;
  readonly storage: MainStorage;
  readonly frames: FrameTable;
  readonly pager: Pager;
  readonly store: PagingStore;
  readonly tables: TableArena;
  readonly channels: ChannelSubsystem;
  readonly cpus: CpuComplex;
  readonly pagesPerSegment: number;
  /** The live VM called `name`; throws `UnknownVmError`. */
  liveVm(name: string): VmState;
  /** The VM whose id (frame-table owner) is `id`. */
  vmById(id: number): VmState;
  /** Say that something changed (wakes whoever awaits `changed`). */
  notifyChange(): void;
  /** Settles at the next change. */
  changed(): Promise<void>;
}
