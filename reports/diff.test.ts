import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Json } from '../model/core/index.ts';
import { applyJsonDiff, diffJson, formatChange } from './diff.ts';
import { formatPath, formatValue, jsonEqual } from './json.ts';

const lines = (a: Json, b: Json) => diffJson(a, b).map((change) => formatChange(change));

/** Values shaped like model states, so that two draws share structure and differ in places. */
const stateLike = fc.record({
  frames: fc.array(fc.option(fc.constantFrom('VM-1.p0.v0', 'VM-2.p1.v3', 'VM-2.p1.v4')), { maxLength: 6 }),
  vms: fc.array(
    fc.record({
      origin: fc.nat(8),
      pageFixed: fc.boolean(),
      hostSt: fc.option(fc.array(fc.array(fc.option(fc.nat(8)), { maxLength: 3 }), { maxLength: 2 })),
    }),
    { maxLength: 3 },
  ),
  reconfig: fc.option(fc.record({ kind: fc.constantFrom('relocation', 'resize'), step: fc.nat(3) })),
}) as fc.Arbitrary<Json>;

/** Any JSON, both draws independent. */
const anyJson = fc.jsonValue() as fc.Arbitrary<Json>;

describe('diffJson', () => {
  it('should name changed fields with readable paths', () => {
    const before: Json = { frames: [null, 'VM-2.p1.v0'], vms: [{}, { hostSt: [[3, 4]] }] };
    const after: Json = { frames: ['VM-2.p1.v0', 'VM-2.p1.v0'], vms: [{}, { hostSt: [[3, 5]] }] };
    expect(lines(before, after)).toEqual(['frames[0]: null -> VM-2.p1.v0', 'vms[1].hostSt[0][1]: 4 -> 5']);
  });

  it('should summarise arrays that changed length', () => {
    expect(lines({ log: ['a'] }, { log: ['a', 'b', 'c'] })).toEqual([
      'log: 1 -> 3 items, added [1] b, [2] c',
    ]);
    expect(lines({ log: ['a', 'b'] }, { log: ['z'] })).toEqual([
      'log[0]: a -> z',
      'log: 2 -> 1 items, removed [1] b',
    ]);
    expect(lines([], [1, 2, 3, 4, 5])).toEqual([
      '(root): 0 -> 5 items, added [0] 1, [1] 2, [2] 3, [3] 4, [4] 5',
    ]);
  });

  it('should show added and removed fields and changes of kind', () => {
    expect(lines({ a: 1, reconfig: null }, { reconfig: { kind: 'resize' }, 'mbt::x': true })).toEqual([
      'a: 1 -> (none)',
      'reconfig: null -> {"kind":"resize"}',
      '"mbt::x": (none) -> true',
    ]);
  });

  it('should quote strings that would read as something else', () => {
    expect(['VM-2.p1.v0', 'null', '', '12', 'a b', 'x -> y'].map(formatValue)).toEqual([
      'VM-2.p1.v0',
      '"null"',
      '""',
      '"12"',
      '"a b"',
      '"x -> y"',
    ]);
    expect(formatPath(['states', 3, 'mbt::actionTaken'])).toBe('states[3]."mbt::actionTaken"');
  });

  it('should be empty exactly when the values are deep-equal', () => {
    fc.assert(
      fc.property(fc.oneof(fc.tuple(stateLike, stateLike), fc.tuple(anyJson, anyJson)), ([a, b]) => {
        expect(diffJson(a, b).length === 0).toBe(jsonEqual(a, b));
        expect(diffJson(a, structuredClone(a))).toEqual([]);
      }),
    );
  });

  it('should rebuild the second value when its diff is applied to the first, leaving the first untouched', () => {
    fc.assert(
      fc.property(fc.oneof(fc.tuple(stateLike, stateLike), fc.tuple(anyJson, anyJson)), ([a, b]) => {
        const copy = structuredClone(a);
        expect(jsonEqual(applyJsonDiff(a, diffJson(a, b)), b)).toBe(true);
        expect(a).toEqual(copy);
      }),
    );
  });
});
