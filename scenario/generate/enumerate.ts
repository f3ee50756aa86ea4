/**
 * The small-scope enumerator: every scenario `buildScenario` can make within a scope, each exactly
 * once, in a deterministic order (fewest features first, then fewest VMs, pages and frames, then the
 * order of the choices), so the first scenario that fails a variant is among the smallest, and a
 * sweep restarts from any index of the same scope.
 */
import type { Scenario } from '../schema.ts';
import { buildScenario, type ScenarioScope } from './build.ts';

/** The named scopes of `vmcheck sweep`, smallest first. */
export const SCOPES = {
  /** One or two VMs of up to two pages (three in all), one free frame, one program, two features. */
  tiny: {
    name: 'tiny',
    maxVms: 2,
    maxPages: 2,
    maxTotalPages: 3,
    maxFree: 1,
    maxPrograms: 1,
    maxChannels: 1,
    maxCpus: 2,
    maxFeatures: 2,
  },
  /** The default: up to three VMs of up to three pages (three in all), two free frames, two programs on up to two channels, two CPUs. */
  small: {
    name: 'small',
    maxVms: 3,
    maxPages: 3,
    maxTotalPages: 3,
    maxFree: 2,
    maxPrograms: 2,
    maxChannels: 2,
    maxCpus: 2,
    maxFeatures: 2,
  },
} as const satisfies Record<string, ScenarioScope>;

/** A scope name. */
export type ScopeName = keyof typeof SCOPES;

/** A generated scenario and where it is in its scope's order. */
export interface GeneratedScenario {
  readonly index: number;
  readonly scenario: Scenario;
  /** The choices that build it (`buildScenario` replays them). */
  readonly choices: readonly number[];
}

/**
 * Every choice sequence of `buildScenario` in `scope`, depth first (an odometer over the decisions,
 * the last decision turning fastest). Each sequence builds a distinct scenario.
 */
export function allChoiceSequences(scope: ScenarioScope): number[][] {
  const out: number[][] = [];
  let prefix: number[] = [];
  for (;;) {
    const choices: number[] = [];
    const radix: number[] = [];
    const built = buildScenario(
      scope,
      (n) => {
        const i = choices.length;
        const c = i < prefix.length ? prefix[i]! : 0;
        choices.push(c);
        radix.push(n);
        return c;
      },
      'probe',
    );
    if (built !== null) out.push(choices);
    // Advance the odometer: the last decision that has an option left turns, the rest are dropped.
    let i = choices.length - 1;
    while (i >= 0 && choices[i]! + 1 >= radix[i]!) i--;
    if (i < 0) return out;
    prefix = [...choices.slice(0, i), choices[i]! + 1];
  }
}

/** How big a scenario is, for the order: features, VMs, pages, frames. */
function sizeKey(s: Scenario): number[] {
  const features =
    s.reconfigurations.length +
    s.events.length +
    s.io.length +
    s.cpuAccess.length +
    (s.bounds.channelErrors ? 1 : 0) +
    (s.cpus > 1 ? 1 : 0);
  return [features, s.vms.length, s.vms.reduce((a, vm) => a + vm.size, 0), s.storage.frames];
}

/** Every scenario of `scope`, in sweep order, named `<scope>-<index>`. Deterministic. */
export function enumerateScenarios(scope: ScenarioScope): GeneratedScenario[] {
  const built = allChoiceSequences(scope).map((choices, order) => {
    const scenario = replayChoices(scope, choices, 'x');
    return { choices, scenario, key: [...sizeKey(scenario), order] };
  });
  built.sort((a, b) => {
    for (let i = 0; i < a.key.length; i++) if (a.key[i] !== b.key[i]) return a.key[i]! - b.key[i]!;
    return 0;
  });
  return built.map(({ choices }, index) => ({
    index,
    choices,
    scenario: replayChoices(scope, choices, `${scope.name}-${index}`),
  }));
}

/** The scenario built from `choices` (missing choices are 0, each is read modulo its options). */
export function replayChoices(scope: ScenarioScope, choices: readonly number[], name: string): Scenario {
  let i = 0;
  const scenario = buildScenario(scope, (n) => (choices[i++] ?? 0) % n, name);
  if (scenario === null)
    throw new Error(`choices ${choices.join(',')} build no canonical scenario of ${scope.name}`);
  return scenario;
}
