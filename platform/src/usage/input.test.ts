import { describe, expect, it } from 'vitest';
import { checkQuantity, checkTime } from './input.js';

describe('usage quantities', () => {
  it.each([
    [0, '0'],
    [1e15, '1000000000000000'],
    [0.000000001, '0.000000001'],
    [123456.789, '123456.789'],
    [999999999999999, '999999999999999'],
  ])('keeps %s exactly as %s', (value, text) => {
    expect(checkQuantity(value)).toEqual({ ok: true, value: text });
  });

  it.each([
    [5e-324, /324 digits after the decimal point/],
    [0.1 + 0.2, /17 digits after the decimal point/],
    [1e-10, /10 digits after the decimal point/],
    [123456789.12345679, /17 significant digits/],
    [1e15 + 2, /from 0 to 1000000000000000/],
    [-1, /from 0 to/],
    [Number.NaN, /from 0 to/],
  ])('refuses %s', (value, why) => {
    const checked = checkQuantity(value);
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.detail).toMatch(why);
  });
});

describe('usage times', () => {
  it.each([
    ['2024-03-01T00:30:00+01:00', { ok: true, value: '2024-02-29T23:30:00.000Z' }],
    ['2016-12-31T23:59:60Z', { ok: false, detail: expect.stringMatching(/leap second/) as string }],
    [
      '0000-01-01T00:00:00Z',
      { ok: false, detail: expect.stringMatching(/1970-01-01 to 9999-12-31/) as string },
    ],
  ])('reads %s as the instant billing stores, or refuses it', (text, want) => {
    expect(checkTime(text)).toEqual(want);
  });
});
