import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BestFitIndex, FirstFitIndex, OrderedSet } from './fit-index.js';
import type { Group } from './fit-index.js';

describe('OrderedSet', () => {
  it('answers its smallest member like a sorted set, across words and levels', () => {
    const size = 40_000; // three levels of 32-bit words
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            add: fc.boolean(),
            value: fc.oneof(fc.nat({ max: size - 1 }), fc.constantFrom(0, 31, 32, 1023, 1024, size - 1)),
          }),
          {
            maxLength: 200,
          },
        ),
        (ops) => {
          const set = new OrderedSet(size);
          const model = new Set<number>();
          for (const { add, value } of ops) {
            if (add) {
              set.add(value);
              model.add(value);
            } else {
              set.delete(value);
              model.delete(value);
            }
            expect(set.first()).toBe(model.size === 0 ? -1 : Math.min(...model));
            expect(set.has(value)).toBe(add);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('fit indexes over many groups', () => {
  const groups = (n: number): Group[] =>
    Array.from({ length: n }, (_, ord) => ({
      ord,
      node: ord,
      sku: 0,
      gpus: [],
      free: 0,
      domains: [],
      parent: undefined,
    }));

  it('find what a scan finds after random updates', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat({ max: 1499 }), fc.nat({ max: 8 })), { maxLength: 300 }),
        fc.integer({ min: 1, max: 8 }),
        (updates, count) => {
          const best = groups(1500);
          const first = groups(1500);
          const bestIndex = new BestFitIndex(best, 8, 0);
          const firstIndex = new FirstFitIndex(first);
          for (const [ord, free] of updates) {
            bestIndex.update(best[ord]!, free);
            firstIndex.update(first[ord]!, free);
          }
          const fitting = best.filter((g) => g.free >= count);
          const tightest = Math.min(...fitting.map((g) => g.free));
          expect(bestIndex.find(count)?.ord).toBe(fitting.find((g) => g.free === tightest)?.ord);
          expect(firstIndex.find(count)?.ord).toBe(first.find((g) => g.free >= count)?.ord);
        },
      ),
      { numRuns: 200 },
    );
  });
});
