/**
 * The scenario format: a scaled-down machine, its VMs, the guest I/O and CPU accesses that may
 * happen, the reconfigurations asked for and the events with their configuration tables.
 *
 * Every list here is a bound: each I/O entry starts at most once, each CPU access happens at most
 * once, each reconfiguration and event happens once, so the reachable state space is finite.
 */
import { z } from 'zod';
import { VARIANTS } from './variants.ts';

/**
 * Largest sizes a scenario may have. A scenario is a scaled-down machine whose every list is a
 * bound of the explored space; nothing of this kind needs more, and larger inputs would make one
 * state (or one state's successors) too big to honour the explorers' bounds. Refused with the field.
 */
export const SCENARIO_LIMITS = {
  frames: 1024,
  pageSize: 1 << 20,
  pagesPerSegment: 4096,
  vms: 16,
  channels: 16,
  cpus: 16,
  io: 64,
  transfers: 16,
  cpuAccess: 64,
  reconfigurations: 32,
  events: 8,
} as const;

const L = SCENARIO_LIMITS;
const count = z.number().int().nonnegative().max(L.frames);
const positive = z.number().int().positive().max(L.frames);
const vmName = z.string().min(1);

/** Which CPUs a VM may run on, and whether they are its alone. */
export const cpuAssignmentSchema = z.strictObject({
  mode: z.enum(['shared', 'dedicated']),
  cpus: z.array(count).min(1, 'a VM needs at least one CPU').max(L.cpus),
});

export const vmSchema = z.strictObject({
  name: vmName,
  /** Guest main storage size in pages (guest absolute pages 0..size-1). */
  size: positive,
  /** Page-fixed VMs: first frame of the contiguous area (origin [433]). */
  origin: count.optional(),
  /** Pageable VMs: the frame of each page, or null when the page is on the paging device. */
  frames: z.array(count.nullable()).max(L.frames).optional(),
  /** Page-fixed bit [432]. */
  pageFixed: z.boolean().default(true),
  /** Direct-execution bit [431]. */
  direct: z.boolean().default(true),
  cpus: cpuAssignmentSchema,
});

export const transferSchema = z.strictObject({
  /** `write`: device -> storage (the channel writes storage); `read`: storage -> device. */
  op: z.enum(['write', 'read']),
  /** Guest absolute page; the transfer may reach one page past the guest's size, to exercise the limit check. */
  page: count,
  length: positive,
});

export const ioSchema = z.strictObject({
  vm: vmName,
  channel: count,
  program: z.array(transferSchema).min(1, 'a channel program needs at least one transfer').max(L.transfers),
});

export const cpuAccessSchema = z.strictObject({
  vm: vmName,
  op: z.enum(['read', 'write']),
  /** Guest absolute page; may be past the guest's size, to exercise the limit check. */
  page: count,
});

export const reconfigurationSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('terminate'), vm: vmName }),
  z.strictObject({ kind: z.literal('relocate'), vm: vmName, to: count }),
  z.strictObject({ kind: z.literal('toPageable'), vm: vmName, resident: count }),
  z.strictObject({ kind: z.literal('toPageFixed'), vm: vmName, to: count }),
]);

export const tableEntrySchema = z.strictObject({
  before: z.strictObject({ size: positive, cpus: cpuAssignmentSchema }),
  after: z.strictObject({ size: positive, origin: count, cpus: cpuAssignmentSchema }),
});

export const eventSchema = z.strictObject({
  trigger: z.discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('timeOfDay'),
      at: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM'),
    }),
    z.strictObject({ kind: z.literal('failover'), partner: z.string().min(1) }),
  ]),
  /** Configuration table [9000]: per VM name, size and CPUs before and after the event. */
  table: z.record(vmName, tableEntrySchema).refine((t) => Object.keys(t).length <= L.vms, {
    message: `at most ${L.vms} entries`,
  }),
});

export const scenarioSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'use lower-case letters, digits and dashes'),
  description: z.string().default(''),
  /** Default variant for this scenario. */
  variant: z.enum(VARIANTS).default('patent'),
  storage: z.strictObject({
    frames: positive,
    vmmFrames: count,
    /** Bytes per page in impl/ (the model abstracts contents). */
    pageSize: z.number().int().positive().max(L.pageSize).default(4096),
    pagesPerSegment: positive.max(L.pagesPerSegment).default(4),
  }),
  channels: positive.max(L.channels),
  cpus: positive.max(L.cpus),
  vms: z.array(vmSchema).min(1).max(L.vms),
  io: z.array(ioSchema).max(L.io).default([]),
  cpuAccess: z.array(cpuAccessSchema).max(L.cpuAccess).default([]),
  reconfigurations: z.array(reconfigurationSchema).max(L.reconfigurations).default([]),
  events: z.array(eventSchema).max(L.events).default([]),
  bounds: z
    .strictObject({
      /** Whether a channel may end a program with an error (after any page). */
      channelErrors: z.boolean().default(false),
      /** Whether guest steps need their VM dispatched on a CPU (adds dispatch interleavings). */
      dispatch: z.boolean().default(true),
    })
    .default({ channelErrors: false, dispatch: true }),
});

/** A scenario as written in scenarios/*.json, defaults filled in. */
export type Scenario = z.infer<typeof scenarioSchema>;
export type VmSpec = z.infer<typeof vmSchema>;
export type IoSpec = z.infer<typeof ioSchema>;
export type CpuAccessSpec = z.infer<typeof cpuAccessSchema>;
export type CpuAssignment = z.infer<typeof cpuAssignmentSchema>;
export type Reconfiguration = z.infer<typeof reconfigurationSchema>;
export type EventSpec = z.infer<typeof eventSchema>;
export type TableEntry = z.infer<typeof tableEntrySchema>;
