import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkBfs } from './bfs.ts';
import { queuedStateBytes, StateQueue, TYPED_STATE_OVERHEAD } from './stateQueue.ts';
import { packedTinyModel } from './testing/packedModels.ts';

describe('StateQueue', () => {
  it('should behave as a first-in first-out array across growth', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.nat(), fc.constant('take' as const)), { maxLength: 5000, size: 'max' }),
        (operations) => {
          const queue = new StateQueue<number>();
          const reference: number[] = [];
          for (const operation of operations) {
            if (operation === 'take') {
              if (reference.length > 0) expect(queue.shift()).toBe(reference.shift());
            } else {
              queue.push(operation);
              reference.push(operation);
            }
            expect(queue.size).toBe(reference.length);
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it('should throw when taking from an empty queue', () => {
    expect(() => new StateQueue<number>().shift()).toThrow(/empty/);
  });
});

describe('queuedStateBytes', () => {
  it('should count a typed-array state by its words and objects, and nothing more for a number', () => {
    expect(queuedStateBytes(new Int32Array(176))).toBe(704 + TYPED_STATE_OVERHEAD);
    expect(queuedStateBytes(7)).toBe(0);
  });

  it("should be counted in checkBfs's bytes a state, with the queue's slots", () => {
    const result = checkBfs(packedTinyModel('torus', 50, 50));
    const { visitedBytes, peakFrontier, peakFrontierBytes } = result.memory;
    // The frontier of the torus is at most one anti-diagonal; the queue keeps its first 1024 slots.
    expect(peakFrontier).toBe(50);
    expect(peakFrontierBytes).toBe(50 * (4 + TYPED_STATE_OVERHEAD) + 1024 * 8);
    expect(result.stats.bytesPerState).toBeCloseTo((visitedBytes + peakFrontierBytes) / 2500, 2);
  });
});
