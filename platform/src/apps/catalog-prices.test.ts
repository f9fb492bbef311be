/**
 * A version's prices as the catalog shows them and the access they imply: the manifest writes
 * money as decimal text or as `{ micros }`, and both are prices (an app priced in micros once
 * looked free in the catalog, and launched without an entitlement, while its launches were charged).
 */
import { describe, expect, it } from 'vitest';
import { defaultAccess, pricesOf } from './catalog.js';

describe('pricesOf', () => {
  it('reads decimal text as it is', () => {
    expect(
      pricesOf({
        currency: 'EUR',
        hourlyPrice: '0.20',
        metered: [{ meter: 'tokens', pricePerUnit: '0.000002' }],
      }),
    ).toEqual({
      currency: 'EUR',
      hourly_price: '0.20',
      metered: [{ meter: 'tokens', price_per_unit: '0.000002' }],
    });
  });

  it('writes { micros } as decimal text, no digit lost', () => {
    expect(
      pricesOf({
        hourlyPrice: { micros: 500_000 },
        metered: [{ meter: 'tokens', pricePerUnit: { micros: 1 } }],
      }),
    ).toEqual({
      currency: 'USD',
      hourly_price: '0.50',
      metered: [{ meter: 'tokens', price_per_unit: '0.000001' }],
    });
  });

  it('leaves out what is not money (a float, a negative, an unsafe integer)', () => {
    expect(
      pricesOf({
        hourlyPrice: 0.5,
        metered: [
          { meter: 'a', pricePerUnit: { micros: -1 } },
          { meter: 'b', pricePerUnit: { micros: 2 ** 60 } },
          { meter: 'c', pricePerUnit: { micros: 1.5 } },
        ],
      }),
    ).toEqual({ currency: 'USD', hourly_price: null, metered: [] });
    expect(pricesOf(undefined)).toBeNull();
  });
});

describe('defaultAccess', () => {
  it('is paid for an app priced in micros, free without prices', () => {
    expect(defaultAccess({ billing: { hourlyPrice: { micros: 200_000 } } })).toBe('paid');
    expect(defaultAccess({ billing: { metered: [{ meter: 'm', pricePerUnit: { micros: 3 } }] } })).toBe(
      'paid',
    );
    expect(defaultAccess({ billing: { hourlyPrice: '0.20' } })).toBe('paid');
    expect(defaultAccess({})).toBe('free');
  });
});
