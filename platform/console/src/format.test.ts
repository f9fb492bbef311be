import { describe, expect, it } from 'vitest';
import { DURATION_PATTERN, NAME_PATTERN, formatMicros } from './format.js';

describe('formatMicros', () => {
  it.each([
    ['2500000', 'USD', '$2.50'],
    ['0', 'USD', '$0.00'],
    ['1', 'USD', '$0.000001'],
    ['-1250000', 'USD', '-$1.25'],
    ['123456789000000', 'EUR', '€123,456,789.00'],
  ])('%s %s → %s', (micros, currency, want) => {
    expect(formatMicros(micros, currency, 'en-US')).toBe(want);
  });
});

describe('patterns of the contract', () => {
  it.each([
    ['1h', true],
    ['90s', true],
    ['1h30m', true],
    ['3600', true],
    ['1h30', false],
    ['', false],
    ['1w', false],
  ])('duration %s: %s', (text, ok) => {
    expect(new RegExp(DURATION_PATTERN, 'v').test(text)).toBe(ok);
  });

  it.each([
    ['demo', true],
    ['a-1', true],
    ['-a', false],
    ['Demo', false],
  ])('name %s: %s', (text, ok) => {
    expect(new RegExp(NAME_PATTERN, 'v').test(text)).toBe(ok);
  });
});
