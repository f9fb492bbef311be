import { describe, expect, it } from 'vitest';
import {
  describeProfile,
  describeScope,
  formatPrice,
  isEntitled,
  microsToDecimal,
  priceLines,
  priceSummary,
  profilesOf,
} from './app-facts.js';

describe('money without floats', () => {
  it.each([
    ['1500000', '1.5'],
    ['0', '0'],
    ['1', '0.000001'],
    ['-2500000', '-2.5'],
    ['123456789012345678901', '123456789012345.678901'],
  ])('%s micros → %s', (micros, want) => {
    expect(microsToDecimal(micros)).toBe(want);
  });

  it.each([
    ['0.50', 'USD', '$0.50'],
    ['0.000002', 'USD', '$0.000002'],
    ['12', 'EUR', '€12.00'],
    // Beyond a double's 15–17 significant digits: still exact.
    ['123456789012.000001', 'USD', '$123,456,789,012.000001'],
    ['1.5', 'XQQ', 'XQQ 1.50'],
    ['1.5', 'US$', '1.5 US$'],
    ['not money', 'USD', 'not money USD'],
  ])('%s %s → %s', (amount, currency, want) => {
    expect(formatPrice(amount, currency, 'en-US').replace(/\u00a0/g, ' ')).toBe(want);
  });

  it('lists every price of a version', () => {
    const prices = {
      currency: 'USD',
      hourly_price: '0.10',
      metered: [{ meter: 'tokens', price_per_unit: '0.000002' }],
    };
    expect(priceLines(prices, 'en-US')).toEqual([
      { item: 'hourly', text: '$0.10 per hour while ready' },
      { item: 'tokens', text: '$0.000002 per unit of tokens' },
    ]);
    expect(priceSummary(prices, 'en-US')).toBe('$0.10 per hour while ready + 1 metered');
    expect(priceSummary(null)).toBe('Free');
    expect(priceSummary({ currency: 'USD', hourly_price: null, metered: [] })).toBe('Free');
  });
});

describe('profiles', () => {
  it.each([
    [{ gpus: { count: 1 }, cpu: 1, memoryGiB: 1 }, '1 GPU (any model), 1 CPU, 1 GiB memory'],
    [
      { gpus: { count: 2, models: ['H100-80GB', 'A100-80GB'], minMemoryGiB: 80, interconnect: 'nvlink' } },
      '2 GPUs (H100-80GB or A100-80GB, ≥ 80 GiB each, NVLink)',
    ],
    [{ gpus: { count: 0 }, diskGiB: 10 }, 'no GPU, 10 GiB disk'],
    [undefined, 'none'],
  ])('%j → %s', (profile, want) => {
    expect(describeProfile(profile)).toBe(want);
  });

  it('names minimum and recommended', () => {
    expect(profilesOf({ minimum: { gpus: { count: 1 } } })).toEqual({
      minimum: '1 GPU (any model)',
      recommended: undefined,
    });
    expect(profilesOf(null).minimum).toBe('no GPU requirement');
  });
});

describe('entitlement', () => {
  it.each([
    ['free', [], true],
    ['paid', [], true],
    ['grant', [], false],
    ['grant', [{ app: 'acme/chat', active: true }], true],
    ['grant', [{ app: 'acme/chat', active: false }], false],
    ['grant', [{ app: 'acme/other', active: true }], false],
  ] as const)('%s with %j → %s', (access, grants, want) => {
    expect(isEntitled('acme/chat', { access }, grants)).toBe(want);
  });

  it('says what a permission allows', () => {
    expect(describeScope('storage:read')).toMatch(/Read the files/);
    expect(describeScope('future:scope')).toBe('The platform permission future:scope');
  });
});
