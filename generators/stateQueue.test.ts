import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StateQueue } from './stateQueue.ts';

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
