/**
 * The layout fields the VMM's properties read: every invariant and `sometimes` property of
 * invariants.ts and the final predicate (`leanIsFinal`). An action kind that writes none of them is
 * invisible, the only kind the partial-order reduction may leave out at a state
 * (model/core/partialOrder.ts); visibility.test.ts checks the list on every reachable state.
 */
import type { LayoutField } from '../model/vmm/lean/layout.ts';

/** Fields any property or the final predicate reads. */
export const PROPERTY_READS: readonly LayoutField[] = [
  'suspended',
  'nextRequest',
  'settled',
  'incidents',
  'rc',
  'rsEvent',
  'rsStep',
  'rsAsked',
  'rl',
  'rlPurpose',
  'rlVm',
  'rlDest',
  'rlStep',
  'trPage',
  'trFrom',
  'svPurpose',
  'svVm',
  'frames',
  'vm.alive',
  'vm.direct',
  'vm.fixed',
  'vm.origin',
  'vm.end',
  'vm.hasSt',
  'vm.size',
  'vm.online',
  'vm.shrink',
  'vm.cpus',
  'vm.pte',
  'vm.pins',
  'vm.expected',
  'vm.paging',
  'channels',
  'io.status',
  'io.mode',
  'running',
  'events',
];
