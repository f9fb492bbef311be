import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UUID_PATTERN, isoTime, newId } from './ids.js';

describe('newId', () => {
  it('produces version-7, variant-1 UUIDs carrying the timestamp', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 47 }), (ms) => {
        const id = newId(ms);
        expect(id).toMatch(UUID_PATTERN);
        expect(id[14]).toBe('7');
        expect('89ab').toContain(id[19]);
        expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBeGreaterThanOrEqual(Math.min(ms, 2 ** 47));
      }),
    );
  });

  it('sorts in creation order, even many within one millisecond', () => {
    const now = Date.now() + 10_000;
    const ids = Array.from({ length: 5000 }, () => newId(now));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('isoTime', () => {
  it('has a fixed width, so text order is time order', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 253402300799999 }),
        fc.integer({ min: 0, max: 253402300799999 }),
        (a, b) => {
          const [x, y] = [isoTime(a), isoTime(b)];
          expect(x.length).toBe(24);
          expect(x < y).toBe(a < b);
          expect(x === y).toBe(a === b);
        },
      ),
    );
  });
});
