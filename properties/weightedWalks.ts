/**
 * Random paths of the VMM model with a per-path bias between kinds of action, so a sample of
 * paths holds both the ones that start guest I/O before a reconfiguration and keep the channels
 * slow (the reconfiguration then waits on pinned pages, in-flight direct programs, I/O into storage
 * to be taken offline) and the ones that finish each thing before starting the next.
 *
 * A uniform choice among enabled actions (`traceArbitrary`) mostly runs the VMM's many small
 * reconfiguration steps, so it rarely reaches those waits in a short path. Here each path draws a
 * weight per group (`guest`, `vmm`, `channel`, `reconfiguration`, `request`), then at each step a
 * group among the enabled ones in proportion to its weight, then an action of it. Every path is a
 * path of the model (only enabled actions are taken); shrinking moves towards equal weights and
 * first actions. Deterministic for a seed.
 */
import fc from 'fast-check';
import type { Model } from '../model/core/model.ts';
import type { Trace, TraceStep } from '../model/core/trace.ts';

/** The groups action kinds fall into, by prefix (first match); the last one takes the rest. */
const GROUPS: readonly (readonly string[])[] = [
  ['guest.startIo', 'guest.cpuAccess', 'cpu.'],
  ['vmm.'],
  ['channel.'],
  ['reloc.', 'prior.', 'resize.', 'guest.'],
  [],
];

function groupOf(kind: string): number {
  const g = GROUPS.findIndex((prefixes) => prefixes.some((p) => kind.startsWith(p)));
  return g < 0 ? GROUPS.length - 1 : g;
}

/** Paths of `model` of at most `maxLength` steps (fewer where no action is enabled). */
export function weightedTraceArbitrary<S, A extends { readonly kind: string }>(
  model: Model<S, A>,
  maxLength: number,
): fc.Arbitrary<Trace<S, A>> {
  return fc
    .tuple(
      fc.array(fc.integer({ min: 0, max: 4 }), { minLength: GROUPS.length, maxLength: GROUPS.length }),
      fc.array(fc.nat(), { minLength: maxLength, maxLength }),
    )
    .map(([weights, choices]) => weightedPath(model, weights, choices));
}

/** The path `weights` (per group, as powers of 4) and `choices` name; see the module TSDoc. */
export function weightedPath<S, A extends { readonly kind: string }>(
  model: Model<S, A>,
  weights: readonly number[],
  choices: readonly number[],
): Trace<S, A> {
  const initial = model.initialStates()[0] as S;
  const steps: TraceStep<S, A>[] = [];
  let state = initial;
  for (const choice of choices) {
    const actions = model.actions(state);
    if (actions.length === 0) break;
    const byGroup = GROUPS.map(() => [] as A[]);
    for (const a of actions) byGroup[groupOf(a.kind)]!.push(a);
    const weightOf = (g: number) => (byGroup[g]!.length === 0 ? 0 : 4 ** (weights[g] ?? 0));
    const total = GROUPS.reduce((n, _, g) => n + weightOf(g), 0);
    let pick = choice % total;
    let g = 0;
    while (pick >= weightOf(g)) pick -= weightOf(g++);
    const group = byGroup[g]!;
    const action = group[Math.floor(choice / total) % group.length]!;
    state = model.next(state, action);
    steps.push({ action, state });
  }
  return { initial, steps };
}
