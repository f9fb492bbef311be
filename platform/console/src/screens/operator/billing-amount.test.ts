import { describe, expect, it } from 'vitest';
import { currencyDecimals, microsToDecimal, parseAmount } from './billing-amount.js';

describe('parseAmount', () => {
  it.each([
    ['12.50', 6, 12_500_000n, '12.50'],
    ['12.5', 2, 12_500_000n, '12.50'],
    ['0.000001', 6, 1n, '0.000001'],
    ['0.1', 6, 100_000n, '0.10'],
    [' 7 ', 2, 7_000_000n, '7.00'],
    ['0007.2500', 2, 7_250_000n, '7.25'],
    ['3.000', 0, 3_000_000n, '3.00'],
    ['1000000000', 2, 1_000_000_000_000_000n, '1000000000.00'],
    // Far beyond a float's exact integers: still exact.
    ['999999999.999999', 6, 999_999_999_999_999n, '999999999.999999'],
  ])('%s (at most %i decimals) → %s micros', (text, decimals, micros, amount) => {
    expect(parseAmount(text, decimals)).toEqual({ ok: true, micros, amount });
  });

  it.each([
    ['', 6, /Enter an amount/],
    ['   ', 6, /Enter an amount/],
    ['-5', 6, /without a sign/],
    ['+5', 6, /without a sign/],
    ['1e3', 6, /plain decimals/],
    ['1,000.00', 6, /decimal point/],
    ['12.345', 2, /At most 2 decimals/],
    ['0.0000001', 6, /At most 6 decimals/],
    ['1.5', 0, /no decimals/],
    ['0', 6, /above zero/],
    ['0.00', 2, /above zero/],
    ['1000000000.01', 2, /At most 1000000000/],
    ['.5', 6, /digits/],
    ['5.', 6, /digits/],
    ['12abc', 6, /digits/],
    ['NaN', 6, /digits/],
    ['Infinity', 6, /digits/],
    ['0x10', 6, /digits/],
    ['１２', 6, /digits/],
  ])('refuses %j (at most %i decimals)', (text, decimals, message) => {
    const result = parseAmount(text, decimals);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });

  it('defaults to the ledger precision of six decimals', () => {
    expect(parseAmount('0.083333')).toEqual({ ok: true, micros: 83_333n, amount: '0.083333' });
  });
});

describe('microsToDecimal', () => {
  it.each([
    [0n, '0.00'],
    [1n, '0.000001'],
    [12_500_000n, '12.50'],
    [-1_234_567n, '-1.234567'],
  ])('%s → %s', (micros, text) => {
    expect(microsToDecimal(micros)).toBe(text);
  });
});

describe('currencyDecimals', () => {
  it.each([
    ['USD', 2],
    ['EUR', 2],
    ['JPY', 0],
    ['BHD', 3],
    ['nope', 2],
  ])('%s → %i', (currency, decimals) => {
    expect(currencyDecimals(currency)).toBe(decimals);
  });
});
