/**
 * Relocation throughput: move a 64 MiB page-fixed guest area while a channel program of the
 * guest is in flight (patent method, event-loop channels), next to a plain `copyWithin` and
 * `Buffer.copy` of the same 64 MiB in the same run. Median over several repetitions.
 *
 * Run directly (`npx tsx bench/relocation.bench.ts`) to print JSON, or import
 * `runRelocationBench` (bench/run.ts saves its result under bench/results/).
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { createMachine, type Machine } from '../impl/index.ts';
import { parseScenario } from '../scenario/load.ts';

/** Options of `runRelocationBench`. */
export interface RelocationBenchOptions {
  /** Bytes per page (default 4096). */
  readonly pageSize?: number;
  /** Size of the relocated area in MiB (default 64). */
  readonly areaMiB?: number;
  /** Timed repetitions after two warm-up runs (default 7). */
  readonly repetitions?: number;
  /** Pages targeted by the channel program in flight during each relocation (default 32). */
  readonly ioPages?: number;
}

/** What `runRelocationBench` reports. */
export interface RelocationBenchResult {
  readonly name: 'relocation';
  readonly pageSize: number;
  readonly areaBytes: number;
  readonly pages: number;
  readonly repetitions: number;
  readonly ioPagesInFlight: number;
  /** Median relocation time and rate, I/O in flight, from `relocate()` to the dispatch step. */
  readonly relocation: {
    readonly medianMs: number;
    readonly mbPerSecond: number;
    readonly samplesMs: readonly number[];
  };
  /** Median `Uint8Array.copyWithin` of the same bytes in one buffer. */
  readonly copyWithin: {
    readonly medianMs: number;
    readonly mbPerSecond: number;
    readonly samplesMs: readonly number[];
  };
  /** Median `Buffer.copy` of the same bytes in one buffer. */
  readonly bufferCopy: {
    readonly medianMs: number;
    readonly mbPerSecond: number;
    readonly samplesMs: readonly number[];
  };
  /** relocation MB/s divided by copyWithin MB/s (target >= 0.5). */
  readonly ratio: number;
  /** Relocation steps of the last repetition (a move step moves up to 64 adjacent pages). */
  readonly steps: number;
  readonly node: string;
}

const MB = 1_000_000;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function rate(bytes: number, samples: readonly number[]) {
  const medianMs = median(samples);
  return {
    medianMs: round(medianMs),
    mbPerSecond: round(bytes / MB / (medianMs / 1000)),
    samplesMs: samples.map(round),
  };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function buildMachine(pageSize: number, pages: number): Machine {
  const scenario = parseScenario(
    {
      name: 'bench-relocation',
      storage: { frames: 1 + 2 * pages, vmmFrames: 1, pageSize, pagesPerSegment: 256 },
      channels: 1,
      cpus: 1,
      vms: [{ name: 'VM-1', size: pages, origin: 1, cpus: { mode: 'shared', cpus: [0] } }],
    },
    'bench',
  );
  return createMachine(scenario, { variant: 'patent' });
}

/** Relocate a page-fixed area back and forth with I/O in flight, and time plain copies of it. */
export async function runRelocationBench(
  options: RelocationBenchOptions = {},
): Promise<RelocationBenchResult> {
  const pageSize = options.pageSize ?? 4096;
  const areaBytes = (options.areaMiB ?? 64) * 1024 * 1024;
  const pages = areaBytes / pageSize;
  const repetitions = options.repetitions ?? 7;
  const ioPages = Math.min(options.ioPages ?? 32, pages);
  const machine = buildMachine(pageSize, pages);

  // Guest content: every page starts with its number, so a check after each move is cheap.
  const content = new Uint8Array(areaBytes);
  const view = new DataView(content.buffer);
  for (let p = 0; p < pages; p++) view.setUint32(p * pageSize, p + 1);
  machine.write('VM-1', 0, content);
  const device = machine.device(0);
  device.write(0, new Uint8Array(ioPages * pageSize).fill(0x5a));

  const stride = Math.max(1, Math.floor(pages / ioPages));
  const transfers = Array.from({ length: ioPages }, (_, i) => ({
    op: 'write' as const,
    address: i * stride * pageSize + 8,
    length: 64,
  }));

  const samples: number[] = [];
  let steps = 0;
  const warmUp = 2;
  for (let rep = 0; rep < warmUp + repetitions; rep++) {
    const to = machine.controlBlock('VM-1').origin === 1 ? 1 + pages : 1;
    const io = machine.startIo('VM-1', 0, { transfers });
    const start = performance.now();
    const relocation = machine.relocate('VM-1', to);
    const result = await relocation.run();
    const elapsed = performance.now() - start;
    await io.done;
    if (rep >= warmUp) samples.push(elapsed);
    steps = result.steps;
    verify(machine, pages, pageSize, stride, ioPages);
  }

  const plain = new Uint8Array(new ArrayBuffer(2 * areaBytes));
  plain.fill(1);
  const copySamples: number[] = [];
  for (let rep = 0; rep <= repetitions; rep++) {
    const [from, to] = rep % 2 === 0 ? [0, areaBytes] : [areaBytes, 0];
    const start = performance.now();
    plain.copyWithin(to, from, from + areaBytes);
    if (rep > 0) copySamples.push(performance.now() - start);
  }
  const buffer = Buffer.from(plain.buffer);
  const bufferSamples: number[] = [];
  for (let rep = 0; rep <= repetitions; rep++) {
    const [from, to] = rep % 2 === 0 ? [0, areaBytes] : [areaBytes, 0];
    const start = performance.now();
    buffer.copy(buffer, to, from, from + areaBytes);
    if (rep > 0) bufferSamples.push(performance.now() - start);
  }

  const relocation = rate(areaBytes, samples);
  const copyWithin = rate(areaBytes, copySamples);
  return {
    name: 'relocation',
    pageSize,
    areaBytes,
    pages,
    repetitions,
    ioPagesInFlight: ioPages,
    relocation,
    copyWithin,
    bufferCopy: rate(areaBytes, bufferSamples),
    ratio: round(relocation.mbPerSecond / copyWithin.mbPerSecond),
    steps,
    node: process.version,
  };
}

/** Every page still starts with its number (or the channel's bytes, at the I/O offsets). */
function verify(machine: Machine, pages: number, pageSize: number, stride: number, ioPages: number): void {
  for (let p = 0; p < pages; p += Math.max(1, Math.floor(pages / 997))) {
    const head = machine.read('VM-1', p * pageSize, 4);
    const value = new DataView(head.buffer).getUint32(0);
    if (value !== p + 1) throw new Error(`bench check failed: page ${p} holds ${value}, expected ${p + 1}`);
  }
  for (let i = 0; i < ioPages; i++) {
    const byte = machine.read('VM-1', i * stride * pageSize + 8, 1)[0];
    if (byte !== 0x5a) throw new Error(`bench check failed: channel write to page ${i * stride} lost`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runRelocationBench().then(
    (result) => console.log(JSON.stringify(result, null, 2)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
