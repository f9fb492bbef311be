/**
 * A launch's stored prices as the rater takes them, which events they charge, and the hourly
 * price rated from ready time: N seconds, however the runtime splits them into events, cost
 * floor(price × N / 3600) in all, and project debit = publisher + fee to the micro.
 */
import fc from 'fast-check';
import { testDialects } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appPricingOf, chargeableEvents, HOURLY_METER } from './app-pricing.js';
import type { StoredUsageEvent } from './app-pricing.js';
import type { BillingDb } from './db.js';
import { openBillingTestDb } from './testing.js';
import type { BillingTestDb } from './testing.js';
import { rateUsageEvents } from './usage-rater.js';

const ref = { launchId: 'l1', allocationId: 'a1', projectId: 'p1' };
const stored = (hourly: string | null, meters: unknown[] = []) =>
  JSON.stringify({
    currency: 'USD',
    hourly_price_micros: hourly,
    meters,
    publisher_project_id: 'pub',
    fee_bps: 2000,
  });

describe('appPricingOf', () => {
  it('reads meters and the hourly price as a per-second meter of its own', () => {
    const pricing = appPricingOf(
      ref,
      stored('500000', [
        { meter: 'tokens', unit: 'token', micros: '3', per_units: '1000' },
        { meter: 'images', micros: 250000 },
      ]),
    );
    expect(pricing?.hourlyMicros).toBe(500_000n);
    expect(pricing?.launch).toMatchObject({
      launchId: 'l1',
      allocationId: 'a1',
      projectId: 'p1',
      publisherId: 'pub',
      feeBasisPoints: 2000,
    });
    expect(pricing?.launch.meters).toEqual({
      tokens: { micros: 3n, perUnits: 1000n },
      images: { micros: 250_000n, perUnits: 1n },
      [HOURLY_METER]: { micros: 500_000n, perUnits: 3600n },
    });
  });

  it('is null for a launch that charges nothing, and refuses prices that are not integers', () => {
    expect(appPricingOf(ref, null)).toBeNull();
    expect(appPricingOf(ref, stored(null))).toBeNull();
    expect(() => appPricingOf(ref, stored('1.5'))).toThrow(
      expect.objectContaining({ code: 'RATING_INPUT_INVALID' }),
    );
    expect(() => appPricingOf(ref, '{')).toThrow(expect.objectContaining({ code: 'RATING_INPUT_INVALID' }));
  });
});

describe('chargeableEvents', () => {
  const event = (id: string, meter: string, origin: 'app' | 'runtime'): StoredUsageEvent => ({
    id,
    meter,
    origin,
    quantity: '2',
    occurredAt: '2026-12-07T10:00:00.000Z',
  });
  const events = [
    event('t', 'tokens', 'app'),
    event('u', 'unpriced', 'app'),
    event('r', 'app_seconds', 'runtime'),
    event('g', 'gpu_seconds', 'runtime'),
    // An app cannot pass its own events off as the runtime's ready time.
    event('fake', 'app_seconds', 'app'),
    event('fake2', HOURLY_METER, 'app'),
  ];

  it('charges priced app meters and ready time, nothing else', () => {
    const pricing = appPricingOf(ref, stored('1000', [{ meter: 'tokens', micros: '1' }]));
    expect(pricing).not.toBeNull();
    expect(chargeableEvents(pricing!, events).map((e) => [e.eventId, e.meter])).toEqual([
      ['t', 'tokens'],
      ['r', HOURLY_METER],
    ]);
  });

  it('leaves ready time uncharged without an hourly price', () => {
    const pricing = appPricingOf(ref, stored(null, [{ meter: 'tokens', micros: '1' }]));
    expect(chargeableEvents(pricing!, events).map((e) => e.eventId)).toEqual(['t']);
  });
});

const dialects = await testDialects('billing hourly app price');
const RUNS = { sqlite: 60, postgres: 20 } as const;

describe.each(dialects)('the hourly price on %s', (dialect) => {
  let testDb: BillingTestDb;
  let db: BillingDb;
  let launches = 0;
  beforeAll(async () => {
    testDb = await openBillingTestDb(dialect);
    db = testDb.db;
  });
  afterAll(() => testDb.close());

  it('charges floor(price × N / 3600) for N seconds in all, however they are split', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.bigInt({ min: 0n, max: 50_000_000n }),
        fc.array(fc.nat(120_000), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 0, max: 10_000 }),
        async (hourly, millis, feeBps) => {
          launches += 1;
          const launchId = `hourly-${launches}`;
          const pricing = appPricingOf(
            { launchId, allocationId: `a-${launchId}`, projectId: `p-${launchId}` },
            JSON.stringify({
              currency: 'USD',
              hourly_price_micros: hourly.toString(),
              meters: [],
              publisher_project_id: 'pub',
              fee_bps: feeBps,
            }),
          );
          const events = chargeableEvents(
            pricing!,
            millis.map((ms, i) => ({
              id: `r-${i}`,
              meter: 'app_seconds',
              origin: 'runtime',
              quantity: (ms / 1000).toString(),
              occurredAt: '2026-12-07T10:00:00.000Z',
            })),
          );
          // One event per batch, as a runtime that ships each interval alone.
          const rated = [];
          for (const e of events) rated.push(...(await rateUsageEvents(db, pricing!.launch, [e])));
          const total = rated.reduce((sum, r) => sum + r.charge, 0n);
          const seconds = millis.reduce((sum, ms) => sum + BigInt(ms), 0n);
          expect(total).toBe((hourly * seconds) / 3_600_000n);
          const fee = rated.reduce((sum, r) => sum + r.fee, 0n);
          const share = rated.reduce((sum, r) => sum + r.publisherShare, 0n);
          expect(share + fee).toBe(total);
          expect(fee).toBe((total * BigInt(feeBps)) / 10_000n);
          // Rated transfers name the allocation, not the launch.
          for (const r of rated) for (const tr of r.transfers) expect(tr.allocationId).toBe(`a-${launchId}`);
        },
      ),
      { numRuns: RUNS[dialect] },
    );
  });
});
