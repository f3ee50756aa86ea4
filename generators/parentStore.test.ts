import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VmcheckError } from '../model/core/index.ts';
import { ParentStore } from './parentStore.ts';

/** A random tree in discovery order: each node names an earlier node (or none) and an action index. */
const tree = (maxAction: number) =>
  fc.array(fc.tuple(fc.nat(), fc.nat({ max: maxAction })), { minLength: 1, maxLength: 400, size: 'max' });

/** The path to `index`, computed the slow, obvious way. */
function referencePath(nodes: readonly (readonly [number, number, number])[], index: number) {
  const actions: number[] = [];
  let at = index;
  while (nodes[at]![0] !== -1) {
    actions.unshift(nodes[at]![1]);
    at = nodes[at]![0];
  }
  return { initialIndex: nodes[at]![1], actionIndices: actions };
}

describe('ParentStore', () => {
  it('should give back every stored path, whatever width the action indices need', () => {
    fc.assert(
      fc.property(fc.constantFrom(200, 60_000, 5_000_000), (maxAction) => {
        fc.assert(
          fc.property(tree(maxAction), (choices) => {
            const store = new ParentStore();
            // [parent, action, depth]; the first node is a root, later ones pick a root or an earlier node.
            const nodes: [number, number, number][] = [];
            choices.forEach(([pick, action], i) => {
              const parent = i === 0 || pick % 5 === 0 ? -1 : pick % i;
              const index = parent === -1 ? store.appendRoot(action) : store.append(parent, action);
              expect(index).toBe(i);
              nodes.push([parent, action, parent === -1 ? 0 : nodes[parent]![2] + 1]);
            });
            expect(store.length).toBe(nodes.length);
            nodes.forEach(([parent, action, depth], i) => {
              expect(store.parentOf(i)).toBe(parent);
              expect(store.actionOf(i)).toBe(action);
              expect(store.depthOf(i)).toBe(depth);
              expect(store.pathTo(i)).toEqual(referencePath(nodes, i));
            });
          }),
          { numRuns: 15 },
        );
      }),
      { numRuns: 3 },
    );
  });

  it('should keep earlier entries when a wide action index widens the store', () => {
    const store = new ParentStore();
    store.appendRoot(0);
    for (let i = 1; i < 10_000; i++) store.append(i - 1, i % 200);
    const before = store.bytes;
    store.append(9_999, 70_000);
    expect(store.bytes).toBeGreaterThan(before);
    expect(store.actionOf(9_999)).toBe(9_999 % 200);
    expect(store.actionOf(10_000)).toBe(70_000);
    expect(store.pathTo(10_000).actionIndices.slice(-2)).toEqual([9_999 % 200, 70_000]);
  });

  it('should hold about 5 bytes a state with narrow action indices', () => {
    const store = new ParentStore();
    store.appendRoot(0);
    for (let i = 1; i < 100_000; i++) store.append(i >> 1, i & 3);
    expect(store.bytes / store.length).toBeGreaterThanOrEqual(5);
    expect(store.bytes / store.length).toBeLessThan(5.25);
  });

  it('should reject an index that was never stored with a coded error', () => {
    const store = new ParentStore();
    store.appendRoot(0);
    expect(() => store.pathTo(1)).toThrow(VmcheckError);
    expect(() => store.pathTo(-1)).toThrow(/not in the parent store/);
  });
});
