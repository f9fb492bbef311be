import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkDateTime } from './date-time.js';

describe('checkDateTime', () => {
  it.each([
    ['2025-01-31T12:00:00Z', '2025-01-31T12:00:00.000Z'],
    ['2024-02-29T23:59:59.999+01:00', '2024-02-29T22:59:59.999Z'],
    ['1970-01-01T00:00:00Z', '1970-01-01T00:00:00.000Z'],
    ['9999-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z'],
    ['2025-06-01t08:30:00.123456789z', '2025-06-01T08:30:00.123Z'],
  ])('accepts %s as %s', (text, iso) => {
    expect(checkDateTime(text)).toEqual({ ok: true, ms: Date.parse(iso), iso });
  });

  it.each([
    ['a leap second', '2016-12-31T23:59:60Z', /leap second/],
    ['year 0000', '0000-01-01T00:00:00Z', /1970-01-01 to 9999-12-31/],
    ['before the epoch by an offset', '1970-01-01T00:30:00+01:00', /1970-01-01 to 9999-12-31/],
    ['past year 9999 by an offset', '9999-12-31T23:30:00-01:00', /1970-01-01 to 9999-12-31/],
    ['February 30', '2024-02-30T00:00:00Z', /not a calendar date/],
    ['hour 24', '2024-01-01T24:00:00Z', /not a calendar date/],
    ['an offset of 24 hours', '2024-01-01T00:00:00+24:00', /not a calendar date/],
    ['no time zone', '2024-01-01T00:00:00', /RFC 3339/],
    ['a date alone', '2024-01-01', /RFC 3339/],
    ['a six-digit year', '+012024-01-01T00:00:00Z', /RFC 3339/],
  ])('refuses %s', (_what, text, detail) => {
    const checked = checkDateTime(text);
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.detail).toMatch(detail);
  });

  it('accepts exactly what round-trips through Date, from 1970 to 9999', () => {
    const instant = fc.integer({ min: 0, max: Date.UTC(9999, 11, 31, 23, 59, 59, 999) });
    fc.assert(
      fc.property(instant, (ms) => {
        const iso = new Date(ms).toISOString();
        const checked = checkDateTime(iso);
        return checked.ok && checked.ms === ms && checked.iso === iso;
      }),
    );
  });
});
