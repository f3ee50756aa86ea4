/**
 * Each variant's implementation caught on a generated scenario: the first `tiny` scenario (index in
 * the enumeration, without the known model gaps) where the model, restricted to the machine's
 * choices, finds a counterexample that the machine follows to a misbehaviour, and the kinds of
 * misbehaviour it shows. The choices rebuild the scenario without enumerating the scope
 * (`replayChoices`); `modelVsImpl.test.ts` checks they are the enumeration's at that index.
 */
import type { Variant } from '../../scenario/variants.ts';

/** One variant caught on one generated scenario. */
export interface CaughtGenerated {
  readonly index: number;
  readonly choices: readonly number[];
  readonly variant: Variant;
  /** Finding kinds over every counterexample, sorted. */
  readonly findings: readonly string[];
}

export const CAUGHT_GENERATED: readonly CaughtGenerated[] = [
  {
    index: 1578,
    choices: [0, 0, 1, 1, 0, 0, 2, 1, 0, 0],
    variant: 'prior-art',
    findings: ['channelTargetsWrongFrame', 'lostWrite'],
  },
  {
    index: 1484,
    choices: [0, 0, 0, 1, 0, 0, 2, 1, 0, 0],
    variant: 'fault-move-targeted-page',
    findings: ['channelTargetsWrongFrame', 'lostWrite'],
  },
  {
    index: 1484,
    choices: [0, 0, 0, 1, 0, 0, 2, 1, 0, 0],
    variant: 'fault-forget-direct-io',
    findings: ['channelTargetsWrongFrame', 'lostWrite'],
  },
  {
    index: 48,
    choices: [0, 0, 0, 1, 0, 0, 2, 0, 0],
    variant: 'fault-direct-before-fixed',
    findings: ['modeInconsistent'],
  },
  {
    index: 2096,
    choices: [0, 1, 0, 1, 0, 0, 2, 1, 0, 0],
    variant: 'fault-overlap-copy',
    findings: ['frameTableDisagrees', 'lostWrite'],
  },
  {
    index: 1818,
    choices: [0, 1, 0, 0, 2, 1, 0, 0],
    variant: 'fault-page-out-pinned',
    findings: ['channelTargetsWrongFrame', 'lostWrite'],
  },
  {
    index: 54,
    choices: [0, 0, 0, 1, 1, 0, 0, 0, 2],
    variant: 'fault-limit-off-by-one',
    findings: ['boundsBreach'],
  },
  {
    index: 1787,
    choices: [0, 1, 0, 0, 0, 2, 1, 1, 0],
    variant: 'fault-offline-under-io',
    findings: ['channelTargetsWrongFrame', 'lostWrite'],
  },
  {
    index: 2649,
    choices: [1, 0, 0, 0, 0, 0, 0, 1, 0, 0],
    variant: 'fault-dedicated-cpu-shared',
    findings: ['cpuAssignment'],
  },
  {
    index: 1422,
    choices: [0, 0, 0, 0, 3, 0, 0],
    variant: 'fault-interleaved-reconfiguration',
    findings: ['reconfigurationsInterleaved'],
  },
];
