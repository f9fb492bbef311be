import { describe, expect, it } from 'vitest';
import { priceSummary } from './apps-catalog.js';
import { parseAppRef } from './apps-instances.js';

describe('gpuaas apps launch and list: what is read before any request', () => {
  it('names an app as PUBLISHER/APP[@VERSION]', () => {
    expect(parseAppRef('acme/echo')).toEqual({ app: 'acme/echo' });
    expect(parseAppRef('acme/echo@1.2.0')).toEqual({ app: 'acme/echo', version: '1.2.0' });
    expect(parseAppRef('acme/tools/echo@2')).toEqual({ app: 'acme/tools/echo', version: '2' });
    for (const bad of ['echo', 'acme/echo@', '/echo', 'acme/ echo']) {
      expect(() => parseAppRef(bad), bad).toThrow(/PUBLISHER\/APP\[@VERSION\]/);
    }
  });

  it('sums up a version price for the table', () => {
    expect(priceSummary(undefined)).toBe('free');
    const version = (prices: unknown) => ({ prices }) as Parameters<typeof priceSummary>[0];
    expect(priceSummary(version(null))).toBe('free');
    expect(priceSummary(version({ currency: 'USD', hourly_price: '0.50', metered: [] }))).toBe('0.50 USD/h');
    expect(
      priceSummary(
        version({ currency: 'EUR', hourly_price: null, metered: [{ meter: 'tokens', price_per_unit: '1' }] }),
      ),
    ).toBe('metered');
  });
});
