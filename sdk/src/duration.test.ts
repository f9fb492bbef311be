import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './duration.js';

const DAY = 86_400;

describe('parseDuration', () => {
  it.each([
    ['90', 90],
    ['90s', 90],
    ['30m', 1800],
    ['2h', 7200],
    ['1d', DAY],
    ['1h30m', 5400],
    ['1d2h3m4s', 93_784],
    ['30d', 30 * DAY],
  ])('%s → %i seconds', (text, seconds) => {
    expect(parseDuration(text, 30 * DAY)).toEqual({ ok: true, seconds });
  });

  it.each([
    ['', 'malformed'],
    ['5x', 'malformed'],
    ['1.5h', 'malformed'],
    ['h', 'malformed'],
    ['-1m', 'malformed'],
    ['1e3', 'malformed'],
    ['Infinity', 'malformed'],
    ['99999999999999999999', 'malformed'],
    ['1s1s1s1s1s', 'malformed'],
    ['0', 'not_positive'],
    ['0s0m', 'not_positive'],
    ['30d1s', 'too_long'],
    ['9999999d', 'too_long'],
  ])('refuses %j as %s', (text, problem) => {
    expect(parseDuration(text, 30 * DAY)).toEqual({ ok: false, problem });
  });

  it('yields a whole number of seconds within the bound, or a problem: never Infinity or NaN', () => {
    const part = fc.tuple(fc.stringMatching(/^[0-9]{1,7}$/), fc.constantFrom('s', 'm', 'h', 'd'));
    const text = fc.oneof(
      fc.string(),
      fc.stringMatching(/^[0-9]{1,25}$/),
      fc.array(part, { minLength: 1, maxLength: 6 }).map((parts) => parts.map(([n, u]) => n + u).join('')),
    );
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 2 ** 40 }), (t, max) => {
        const result = parseDuration(t, max);
        return (
          !result.ok || (Number.isSafeInteger(result.seconds) && result.seconds >= 1 && result.seconds <= max)
        );
      }),
    );
  });
});

describe('formatDuration', () => {
  it.each([
    [5400, '1h30m'],
    [300, '5m'],
    [90, '1m30s'],
    [30 * DAY, '30d'],
    [0, '0s'],
    [89.6, '1m30s'],
  ])('%s seconds → %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it('writes what parseDuration reads back', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 * DAY }), (seconds) => {
        expect(parseDuration(formatDuration(seconds), 30 * DAY)).toEqual({ ok: true, seconds });
      }),
    );
  });
});
