import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatMoney, MAX_MICROS, parseMoney, toMicros } from './money.js';

describe('parseMoney', () => {
  it.each([
    ['12.50', 12_500_000n],
    ['12.5', 12_500_000n],
    ['12', 12_000_000n],
    ['0', 0n],
    ['0.000001', 1n],
    ['007.10', 7_100_000n],
    ['9223372036854.775807', MAX_MICROS],
  ] as const)('%s → %s micros', (text, want) => expect(parseMoney(text)).toBe(want));

  it.each([
    ['1e3', /plain decimals/],
    ['-1', /without a sign/],
    ['+1', /without a sign/],
    ['0.0000001', /six decimals/],
    ['', /decimal amount/],
    ['   ', /decimal amount/],
    [' 1', /spaces/],
    ['1,50', /separator/],
    ['.5', /both sides/],
    ['5.', /both sides/],
    ['abc', /digits/],
    ['NaN', /digits/],
  ] as const)('refuses %j with AMOUNT_INVALID and a hint', (text, hint) => {
    expect(() => parseMoney(text)).toThrow(
      expect.objectContaining({ code: 'AMOUNT_INVALID', hint: expect.stringMatching(hint) }),
    );
  });

  it('refuses amounts a 64-bit column cannot hold', () => {
    expect(() => parseMoney('9223372036854.775808')).toThrow(
      expect.objectContaining({ code: 'AMOUNT_INVALID' }),
    );
  });
});

describe('formatMoney', () => {
  it.each([
    [12_500_000n, '12.50'],
    [12_000_000n, '12.00'],
    [0n, '0.00'],
    [1n, '0.000001'],
    [12_345_670n, '12.34567'],
    [-1_234_567n, '-1.234567'],
    [-500_000n, '-0.50'],
  ] as const)('%s micros → %s', (micros, want) => expect(formatMoney(micros)).toBe(want));

  it('round-trips every non-negative amount through parseMoney', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: MAX_MICROS }), (micros) => {
        expect(parseMoney(formatMoney(micros))).toBe(micros);
      }),
    );
  });
});

describe('toMicros', () => {
  it('reads pg strings, SQLite numbers and bigints exactly', () => {
    expect(toMicros('9223372036854775807')).toBe(MAX_MICROS);
    expect(toMicros('-5')).toBe(-5n);
    expect(toMicros(42)).toBe(42n);
    expect(toMicros(7n)).toBe(7n);
  });

  it('refuses a number that already lost precision, and non-integers', () => {
    expect(() => toMicros(2 ** 53 + 2)).toThrow(RangeError);
    expect(() => toMicros(1.5)).toThrow(RangeError);
    expect(() => toMicros('1.5')).toThrow(RangeError);
  });
});
