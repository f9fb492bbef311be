import { describe, expect, it } from 'vitest';
import { compileOptions } from './config.js';

describe('compileOptions', () => {
  it('fills every default', () => {
    const { value, errors } = compileOptions({}, {});
    expect(errors).toEqual([]);
    expect(value).toMatchObject({
      audience: 'gpuaas-api',
      bodyLimitBytes: 1024 * 1024,
      accessTokenTtlSeconds: 900,
      rateLimit: {
        enabled: true,
        authenticated: { limit: 1200, windowSeconds: 60 },
        anonymous: { limit: 120, windowSeconds: 60 },
        relay: { limit: 6000, windowSeconds: 60 },
      },
      idempotency: { ttlSeconds: 86_400, lockTimeoutSeconds: 60 },
      validateResponses: 'off',
      publicUrl: undefined,
    });
    expect(value?.dataDir).toMatch(/\.gpuaas$/);
  });

  it('validates responses under tests by default', () => {
    expect(compileOptions({}, { VITEST: 'true' }).value?.validateResponses).toBe('throw');
  });

  it.each([
    [{ bodyLimitBytes: 0 }, 'bodyLimitBytes'],
    [{ accessTokenTtlSeconds: 1.5 }, 'accessTokenTtlSeconds'],
    [{ rateLimit: { authenticated: { limit: -1 } } }, 'rateLimit.authenticated.limit'],
    [{ rateLimit: { relay: { limit: 0 } } }, 'rateLimit.relay.limit'],
    [{ publicUrl: 'ftp://x' }, 'publicUrl'],
    [{ databaseUrl: 'mysql://h/db' }, 'databaseUrl'],
    [{ secretKey: 'short' }, 'secretKey'],
    [{ billing: { currency: 'usd' } }, 'billing.currency'],
    [{ billing: { starterCredit: '-5' } }, 'billing.starterCredit'],
    [{ billing: { starterCredit: '1e3' } }, 'billing.starterCredit'],
    [{ billing: { graceSeconds: -1 } }, 'billing.graceSeconds'],
    [{ billing: { lateWindowDays: 0 } }, 'billing.lateWindowDays'],
    [{ billing: { intervalSeconds: 0 } }, 'billing.intervalSeconds'],
    [
      {
        compute: {
          catalog: [
            {
              id: 'x',
              model: 'X',
              memoryGib: 1,
              interconnect: 'pcie',
              pricePerGpuHourMicros: 1,
              currency: 'EUR',
              regions: [],
            },
          ],
        },
      },
      'compute.catalog[0].currency',
    ],
  ])('reports %j', (options, field) => {
    const { value, errors } = compileOptions(options, {});
    expect(value).toBeUndefined();
    expect(errors.join('\n')).toContain(field);
  });

  it('fills billing defaults and prices the catalog in the platform currency', () => {
    const { value } = compileOptions(
      { billing: { currency: 'EUR', starterCredit: '0', graceSeconds: 0 } },
      {},
    );
    expect(value?.billing).toEqual({
      currency: 'EUR',
      starterCredit: 0n,
      starterCreditDays: 30,
      intervalSeconds: 60,
      graceSeconds: 0,
      raterIntervalMs: 5000,
      lateWindowDays: 35,
      refundApprovalAbove: null,
    });
    expect(new Set(value?.compute.catalog.map((sku) => sku.currency))).toEqual(new Set(['EUR']));
    expect(compileOptions({}, {}).value?.billing).toMatchObject({
      currency: 'USD',
      starterCredit: 25_000_000n,
    });
    expect(compileOptions({ billing: { refundApprovalAbove: '100' } }, {}).value?.billing).toMatchObject({
      refundApprovalAbove: 100_000_000n,
    });
    expect(compileOptions({ billing: { refundApprovalAbove: '-1' } }, {}).errors.join('\n')).toContain(
      'billing.refundApprovalAbove',
    );
  });

  it('warns about weak but valid settings', () => {
    const { value, warnings } = compileOptions(
      {
        publicUrl: 'http://gpuaas.example.com/',
        idempotency: { ttlSeconds: 60 },
        rateLimit: { enabled: false },
      },
      {},
    );
    expect(value?.publicUrl).toBe('http://gpuaas.example.com');
    expect(warnings).toHaveLength(3);
  });

  it('reads the secret key from GPUAAS_SECRET_KEY', () => {
    const key = Buffer.alloc(32, 9).toString('base64url');
    expect(compileOptions({}, { GPUAAS_SECRET_KEY: key }).value?.secretKey).toBe(key);
  });
});
