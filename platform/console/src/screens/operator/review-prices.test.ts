import { describe, expect, it } from 'vitest';
import { moneyMicros, priceRows } from './review-prices.js';
import { v1 } from './review-manifests.test.util.js';

describe('moneyMicros', () => {
  it.each([
    ['0.20', 200_000n],
    ['0.000001', 1n],
    ['12', 12_000_000n],
    ['999999999999.999999', 999_999_999_999_999_999n],
    [{ micros: 100 }, 100n],
    ['0.1234567', undefined],
    ['-1', undefined],
    ['1e3', undefined],
    [0.2, undefined],
    [{ micros: 1.5 }, undefined],
    [null, undefined],
  ])('%j → %s', (value, want) => {
    expect(moneyMicros(value)).toBe(want);
  });
});

describe('priceRows', () => {
  it.each([
    ['up', '0.20', '0.30', '$0.20', '$0.30'],
    ['down', '0.30', '0.2', '$0.30', '$0.20'],
    // Same amount written differently: not a move up or down.
    ['changed', '0.2', { micros: 200000 }, '$0.20', '$0.20'],
  ] as const)('hourly price %s', (trend, before, after, shownBefore, shownAfter) => {
    const manifest = { billing: { currency: 'USD', hourlyPrice: after } };
    const rows = priceRows(manifest, [{ field: 'hourlyPrice', before, after }], 'en-US');
    expect(rows).toEqual([
      { field: 'currency', label: 'Currency', before: 'USD', after: 'USD', trend: 'same' },
      { field: 'hourlyPrice', label: 'Hourly price', before: shownBefore, after: shownAfter, trend },
    ]);
  });

  it('compares amounts exactly, beyond what a float holds', () => {
    const before = '999999999999.999998';
    const after = '999999999999.999999';
    const manifest = { billing: { currency: 'USD', hourlyPrice: after } };
    const [, hourly] = priceRows(manifest, [{ field: 'hourlyPrice', before, after }], 'en-US');
    expect(hourly?.trend).toBe('up');
  });

  it('marks added and removed meter prices and keeps the unchanged ones', () => {
    const manifest = { ...v1, billing: { currency: 'USD', metered: [{ meter: 'gpu', pricePerUnit: '1' }] } };
    const rows = priceRows(
      manifest,
      [
        { field: 'hourlyPrice', before: '0.20', after: null },
        { field: 'metered.gpu', before: null, after: '1' },
        { field: 'metered.tokens', before: '0.000001', after: null },
      ],
      'en-US',
    );
    expect(rows.map((r) => [r.label, r.before, r.after, r.trend])).toEqual([
      ['Currency', 'USD', 'USD', 'same'],
      ['Hourly price', '$0.20', '—', 'removed'],
      ['Per gpu', '—', '$1.00', 'added'],
      ['Per tokens', '$0.000001', '—', 'removed'],
    ]);
  });

  it('does not call a move up or down across a change of currency', () => {
    const manifest = { billing: { currency: 'EUR', hourlyPrice: '0.30' } };
    const rows = priceRows(
      manifest,
      [
        { field: 'currency', before: 'USD', after: 'EUR' },
        { field: 'hourlyPrice', before: '0.20', after: '0.30' },
      ],
      'en-US',
    );
    expect(rows.map((r) => [r.field, r.before, r.after, r.trend])).toEqual([
      ['currency', 'USD', 'EUR', 'changed'],
      ['hourlyPrice', '$0.20', '€0.30', 'changed'],
    ]);
  });

  it('lists every price of a first version', () => {
    expect(priceRows(v1, null, 'en-US').map((r) => [r.label, r.after, r.trend])).toEqual([
      ['Currency', 'USD', 'same'],
      ['Hourly price', '$0.20', 'same'],
      ['Per requests', '$0.0001', 'same'],
      ['Per tokens', '$0.000001', 'same'],
    ]);
  });
});
