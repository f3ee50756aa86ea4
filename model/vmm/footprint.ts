/**
 * The action table's read/write declarations, where reductions (generators' partial-order
 * reduction) and model/vmm/footprint.test.ts look them up: `ACTION_TABLE[kind].reads/writes`. The
 * table itself, each action with its guard and effect, is model/vmm/machine.ts.
 */
export { ACTION_TABLE, type ActionSpec } from './machine.ts';
