import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDuration } from '@gpuaas/sdk';
import { PlatformError } from '../errors.js';
import {
  MAX_TTL_SECONDS,
  RecordInvalid,
  isoAfter,
  parseDurationField,
  storedArray,
  storedSeconds,
  storedTime,
} from './bounds.js';

const refusal = (text: string, max = MAX_TTL_SECONDS) => {
  try {
    parseDurationField(text, 'ttl', max);
  } catch (error) {
    if (error instanceof PlatformError) return { code: error.code, errors: error.errors };
    throw error;
  }
  throw new Error(`"${text}" was accepted`);
};

describe('parseDurationField', () => {
  it.each([
    ['90', 90],
    ['90s', 90],
    ['30m', 1800],
    ['2h', 7200],
    ['1h30m', 5400],
    ['30d', MAX_TTL_SECONDS],
    ['1d2h3m4s', 93_784],
  ])('%s → %i seconds', (text, seconds) => {
    expect(parseDurationField(text, 'ttl', MAX_TTL_SECONDS)).toBe(seconds);
  });

  it.each([
    ['99999999999999999999', /expected a duration/],
    ['9999999d', /at most 30d \(2592000 seconds\)/],
    ['30d1s', /at most 30d/],
    ['0', /longer than zero/],
    ['0s0m', /longer than zero/],
    ['1s1s1s1s1s', /expected a duration/],
    ['1e3', /expected a duration/],
    ['Infinity', /expected a duration/],
    ['-1s', /expected a duration/],
  ])('refuses %j with VALIDATION_FAILED at /ttl', (text, detail) => {
    expect(refusal(text)).toEqual({
      code: 'VALIDATION_FAILED',
      errors: [{ in: 'body', pointer: '/ttl', detail: expect.stringMatching(detail) as string }],
    });
  });

  it('returns a whole number of seconds within the bound, or refuses: never Infinity or NaN', () => {
    const part = fc.tuple(fc.stringMatching(/^[0-9]{1,7}$/), fc.constantFrom('s', 'm', 'h', 'd'));
    const text = fc.oneof(
      fc.stringMatching(/^[0-9]{1,25}$/),
      fc.array(part, { minLength: 1, maxLength: 6 }).map((parts) => parts.map(([n, u]) => n + u).join('')),
    );
    fc.assert(
      fc.property(text, (t) => {
        let seconds: number;
        try {
          seconds = parseDurationField(t, 'ttl', MAX_TTL_SECONDS);
        } catch (error) {
          return error instanceof PlatformError && error.code === 'VALIDATION_FAILED';
        }
        return Number.isSafeInteger(seconds) && seconds >= 1 && seconds <= MAX_TTL_SECONDS;
      }),
    );
  });

  it('formats seconds back into the grammar', () => {
    expect(formatDuration(MAX_TTL_SECONDS)).toBe('30d');
    expect(formatDuration(5400)).toBe('1h30m');
    expect(parseDurationField(formatDuration(93_784), 'ttl', MAX_TTL_SECONDS)).toBe(93_784);
  });
});

describe('stored values', () => {
  const invalid = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      if (error instanceof RecordInvalid) return error.reason;
      throw error;
    }
    throw new Error('accepted');
  };

  it('turns a time beyond any Date into RecordInvalid instead of a RangeError', () => {
    expect(invalid(() => isoAfter(1e20, 'ttl_seconds'))).toMatch(
      /^record_invalid: ttl_seconds .*representable/,
    );
    expect(isoAfter(60, 'ttl', Date.UTC(2030, 0, 1))).toBe('2030-01-01T00:01:00.000Z');
  });

  it.each([
    ['a negative count', () => storedSeconds(-1, 'idle_timeout_seconds'), /idle_timeout_seconds is not/],
    ['a fraction', () => storedSeconds(1.5, 'ttl_seconds'), /ttl_seconds is not/],
    ['text in a number column', () => storedSeconds('60', 'ttl_seconds'), /ttl_seconds is not/],
    [
      'an unparsable time',
      () => storedTime('yesterday', 'last_activity_at'),
      /last_activity_at is not a timestamp/,
    ],
    ['broken JSON', () => storedArray('{', 'gpus'), /gpus is not JSON/],
    ['JSON that is no list', () => storedArray('{}', 'gpus'), /gpus is not a JSON array/],
  ])('refuses %s as RecordInvalid', (_what, fn, reason) => {
    expect(invalid(fn)).toMatch(reason);
  });
});
