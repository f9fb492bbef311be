import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SdkError } from '@gpuaas/sdk/common';
import { MAX_IDLE_TIMEOUT_MS, MAX_TTL_MS, formatDurationMs, formatMicros, durationFlag } from './format.js';

describe('formatMicros', () => {
  it.each([
    ['2490000', 'USD', '2.49 USD'],
    ['990000', 'USD', '0.99 USD'],
    ['0', 'USD', '0.00 USD'],
    ['1', 'EUR', '0.000001 EUR'],
    ['2500000', 'USD', '2.50 USD'],
    ['1234567', 'USD', '1.234567 USD'],
    ['-500000', 'USD', '-0.50 USD'],
    ['-0', 'USD', '0.00 USD'],
    ['9223372036854775807', 'USD', '9223372036854.775807 USD'],
    ['00012000000', 'USD', '12.00 USD'],
  ])('%s %s → %s', (micros, currency, expected) => {
    expect(formatMicros(micros, currency)).toBe(expected);
  });

  it('is exact for any integer: the decimal times 10^6 gives the micro-units back', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 18n), max: 10n ** 18n }), (n) => {
        const [amount] = formatMicros(n.toString(), 'USD').split(' ');
        const [whole = '', fraction = ''] = (amount ?? '').split('.');
        const back = BigInt(whole.replace('-', '')) * 1_000_000n + BigInt(fraction.padEnd(6, '0'));
        expect(whole.startsWith('-') ? -back : back).toBe(n);
        expect(fraction.length).toBeGreaterThanOrEqual(2);
      }),
    );
  });
});

describe('durations', () => {
  it.each([
    ['90', 90_000],
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['1h30m', 5_400_000],
  ])('%s → %i ms', (text, ms) => {
    expect(durationFlag('--timeout')(text)).toBe(ms);
  });

  it.each(['', '5x', '1.5h', 'h', '-1m', '0s', '0'])('refuses %j as a usage error', (text) => {
    expect(() => durationFlag('--timeout')(text)).toThrow(SdkError);
  });

  it.each([
    ['digits that would overflow', '99999999999999999999'],
    ['a timeout past what a timer holds', '25d'],
    ['more than four parts', '1s1s1s1s1s'],
  ])('refuses %s (%j) instead of firing at once', (_what, text) => {
    expect(() => durationFlag('--timeout')(text)).toThrow(/--timeout must be/);
  });

  it('bounds --ttl and --idle-timeout by what the API accepts', () => {
    expect(durationFlag('--ttl', MAX_TTL_MS)('30d')).toBe(MAX_TTL_MS);
    expect(() => durationFlag('--ttl', MAX_TTL_MS)('30d1s')).toThrow('--ttl must be at most 30d');
    expect(() => durationFlag('--idle-timeout', MAX_IDLE_TIMEOUT_MS)('8d')).toThrow(
      '--idle-timeout must be at most 7d',
    );
  });

  it('formats back to the same grammar', () => {
    expect(formatDurationMs(5_400_000)).toBe('1h30m');
    expect(formatDurationMs(300_000)).toBe('5m');
    expect(formatDurationMs(90_000)).toBe('1m30s');
    expect(durationFlag('x')(formatDurationMs(93_784_000))).toBe(93_784_000);
  });
});
