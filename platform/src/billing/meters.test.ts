import { testDialects } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNTS, getBalance } from './accounts.js';
import { checkLedger } from './check.js';
import type { BillingDb } from './db.js';
import { lastRatedInterval, settleGpuInterval, startGpuMeter } from './gpu-meter.js';
import type { GpuMeter } from './gpu-meter.js';
import { findOpenPending } from './ledger.js';
import { grantPromotion, projectBalance, topUp } from './operations.js';
import { finalIntervalIndex } from './rating.js';
import { openBillingTestDb } from './testing.js';
import type { BillingTestDb } from './testing.js';
import { rateUsageEvents } from './usage-rater.js';
import type { LaunchPricing } from './usage-rater.js';

const dialects = await testDialects('billing meters');

let sequence = 0;
const newId = (prefix: string) => `${prefix}${++sequence}`;
const rejectsWith = (promise: Promise<unknown>, code: string) =>
  expect(promise).rejects.toMatchObject({ code });

describe.each(dialects)('billing meters on %s', (dialect) => {
  let handle: BillingTestDb;
  let db: BillingDb;

  beforeAll(async () => {
    handle = await openBillingTestDb(dialect);
    db = handle.db;
  });
  afterAll(async () => {
    await handle?.close();
  });

  async function fundedMeter(funds: bigint, overrides: Partial<GpuMeter> = {}): Promise<GpuMeter> {
    const projectId = newId('p');
    await topUp(db, { id: newId('topup'), projectId, currency: 'USD', amount: funds, reason: 'test' });
    return {
      allocationId: newId('a'),
      projectId,
      currency: 'USD',
      // 2.50 per GPU-hour: 60 s of 2 GPUs cost 83,333.33… micros.
      priceMicrosPerGpuHour: 2_500_000n,
      gpuCount: 2,
      intervalSeconds: 60,
      runningSince: '2026-12-07T10:00:00.000Z',
      ...overrides,
    };
  }

  const pricingFor = (meter: GpuMeter): LaunchPricing => ({
    launchId: `${meter.allocationId}-app`,
    projectId: meter.projectId,
    publisherId: 'pub',
    currency: meter.currency,
    feeBasisPoints: 0,
    meters: {},
  });
  const prepaidOf = (meter: GpuMeter) => ACCOUNTS.projectPrepaid(meter.projectId, meter.currency).id;

  describe('GPU time', () => {
    it('holds each interval, posts its charge and holds the next; the total is floor(price × duration)', async () => {
      const meter = await fundedMeter(10_000_000n);
      await startGpuMeter(db, meter);
      expect((await getBalance(db, prepaidOf(meter))).holds).toBe(83_333n);
      const running = 200;
      for (let k = 0; k < finalIntervalIndex(running, 60); k++) {
        const settled = await settleGpuInterval(db, meter, {
          index: k,
          runningSeconds: running,
          final: false,
        });
        expect(settled.nextHold?.amount).toBeGreaterThan(0n);
      }
      const last = await settleGpuInterval(db, meter, {
        index: finalIntervalIndex(running, 60),
        runningSeconds: running,
        final: true,
      });
      expect(last).toMatchObject({ startSecond: 180, endSecond: 200, final: true, nextHold: null });
      const total = (2_500_000n * 2n * 200n) / 3600n;
      expect(await getBalance(db, prepaidOf(meter))).toMatchObject({
        balance: 10_000_000n - total,
        holds: 0n,
      });
      expect(last.transfers[0]).toMatchObject({
        kind: 'post',
        category: 'gpu_time',
        allocationId: meter.allocationId,
        periodStart: '2026-12-07T10:03:00.000Z',
        periodEnd: '2026-12-07T10:03:20.000Z',
      });
      expect(await lastRatedInterval(db, meter.allocationId)).toEqual({ index: 3, final: true });
      expect((await checkLedger(db)).ok).toBe(true);
    });

    it('makes a retry a no-op and refuses a retry that disagrees', async () => {
      const meter = await fundedMeter(10_000_000n);
      await startGpuMeter(db, meter);
      const first = await settleGpuInterval(db, meter, { index: 0, runningSeconds: 61, final: false });
      const retry = await settleGpuInterval(db, meter, { index: 0, runningSeconds: 90, final: false });
      expect(retry).toEqual({ ...first, created: false });
      await rejectsWith(
        settleGpuInterval(db, meter, { index: 0, runningSeconds: 30, final: true }),
        'RATING_CONFLICT',
      );
      expect((await getBalance(db, prepaidOf(meter))).balance).toBe(10_000_000n - first.charge);
    });

    it('cannot skip an interval, rate past the release, or rate an interval that is not over', async () => {
      const meter = await fundedMeter(10_000_000n);
      await rejectsWith(
        settleGpuInterval(db, meter, { index: 1, runningSeconds: 130, final: false }),
        'RATING_OUT_OF_ORDER',
      );
      await rejectsWith(
        settleGpuInterval(db, meter, { index: 0, runningSeconds: 59, final: false }),
        'RATING_INPUT_INVALID',
      );
      await settleGpuInterval(db, meter, { index: 0, runningSeconds: 10, final: true });
      await rejectsWith(
        settleGpuInterval(db, meter, { index: 1, runningSeconds: 70, final: true }),
        'RATING_OUT_OF_ORDER',
      );
    });

    it('reports exhausted funds when the next hold is not covered, and still charges the time used', async () => {
      // Funds for a bit more than one interval of 83,333 micros.
      const meter = await fundedMeter(100_000n);
      await startGpuMeter(db, meter);
      const settled = await settleGpuInterval(db, meter, { index: 0, runningSeconds: 60, final: false });
      expect(settled).toMatchObject({ charge: 83_333n, nextHold: null, fundsExhausted: true });
      // The grace period runs without a hold: the next interval is charged directly, past zero.
      const grace = await settleGpuInterval(db, meter, { index: 1, runningSeconds: 120, final: false });
      expect(grace.transfers).toEqual([expect.objectContaining({ kind: 'single', amount: 83_333n })]);
      expect((await getBalance(db, prepaidOf(meter))).balance).toBe(100_000n - 166_666n);
      await rejectsWith(startGpuMeter(db, await fundedMeter(1n)), 'INSUFFICIENT_FUNDS');
    });

    it('a release on a boundary closes with a zero-second interval that releases the last hold', async () => {
      const meter = await fundedMeter(10_000_000n);
      await startGpuMeter(db, meter);
      await settleGpuInterval(db, meter, { index: 0, runningSeconds: 60, final: false });
      const last = await settleGpuInterval(db, meter, {
        index: finalIntervalIndex(60, 60),
        runningSeconds: 60,
        final: true,
      });
      expect(last).toMatchObject({ index: 1, charge: 0n });
      expect(await getBalance(db, prepaidOf(meter))).toMatchObject({
        holds: 0n,
        balance: 10_000_000n - 83_333n,
      });
      expect(await findOpenPending(db, 'hold:gpu:' + meter.allocationId + ':1')).toBeUndefined();
    });
  });

  describe('promotional credit', () => {
    it('pays first, earliest expiry first, for GPU time, holds and usage; expired credit is not used', async () => {
      const meter = await fundedMeter(1n);
      const grant = (id: string, amount: bigint, expiresAt: string) =>
        grantPromotion(db, {
          id: `${meter.projectId}-${id}`,
          projectId: meter.projectId,
          currency: 'USD',
          amount,
          expiresAt,
          reason: 'r',
        });
      await grant('late', 1_000_000n, '2099-01-01T00:00:00.000Z');
      await grant('soon', 50_000n, '2098-01-01T00:00:00.000Z');
      await grant('gone', 9_000_000n, '2000-01-01T00:00:00.000Z');
      // The prepaid balance (1 micro) cannot hold 83,333: the promotions move what is missing.
      const hold = await startGpuMeter(db, meter);
      expect(hold?.amount).toBe(83_333n);
      const grantOf = (t: { debitAccountId: string }) => t.debitAccountId.split(':')[3];
      // The hold took the prepaid micro, all of "soon" (earliest expiry) and 33,332 of "late".
      expect(await projectBalance(db, meter.projectId, 'USD')).toMatchObject({
        balance: 83_333n,
        holds: 83_333n,
        available: 0n,
        promotional: 1_000_000n - 33_332n,
      });
      const settled = await settleGpuInterval(db, meter, { index: 0, runningSeconds: 60, final: false });
      // The charge is paid from "late" first; that leaves the prepaid balance to hold the next interval.
      expect(settled.transfers.map((t) => [t.category, grantOf(t), t.amount])).toEqual([
        ['promo_applied', `${meter.projectId}-late`, 83_333n],
        ['gpu_time', 'USD', 83_333n],
      ]);
      expect(settled.nextHold?.amount).toBe(83_333n);
      const usage = await rateUsageEvents(
        db,
        { ...pricingFor(meter), meters: { images: { micros: 50_000n } } },
        [{ eventId: 'i1', meter: 'images', quantity: '1' }],
      );
      expect(usage[0]?.transfers.map((t) => [t.category, t.amount])).toEqual([
        ['promo_applied', 50_000n],
        ['app_usage', 50_000n],
      ]);
      const funds = await projectBalance(db, meter.projectId, 'USD');
      // Spent 83,333 + 50,000 of 1 + 50,000 + 1,000,000; the expired 9.00 was never touched.
      expect(funds.balance + funds.promotional).toBe(1n + 1_050_000n - 133_333n);
      expect(funds).toMatchObject({ holds: 83_333n, promotional: 1_000_000n - 33_332n - 83_333n - 50_000n });
      expect((await checkLedger(db)).ok).toBe(true);
    });
  });

  describe('app usage', () => {
    async function launch(overrides: Partial<LaunchPricing> = {}): Promise<LaunchPricing> {
      const projectId = newId('p');
      await topUp(db, { id: newId('topup'), projectId, currency: 'USD', amount: 1_000_000n, reason: 'test' });
      return {
        launchId: newId('l'),
        projectId,
        publisherId: newId('pub'),
        currency: 'USD',
        feeBasisPoints: 2_000,
        // 0.002 per 1,000 tokens and 0.05 per image.
        meters: { tokens: { micros: 2_000n, perUnits: 1_000n }, images: { micros: 50_000n } },
        ...overrides,
      };
    }

    it('charges the project publisher share + fee, dedupes by event id, and carries remainders', async () => {
      const pricing = await launch();
      const events = [
        { eventId: 'e1', meter: 'tokens', quantity: '1500' },
        { eventId: 'e2', meter: 'tokens', quantity: '499.75' },
        { eventId: 'e1', meter: 'tokens', quantity: '1500' },
        { eventId: 'e3', meter: 'images', quantity: '1' },
      ];
      const rated = await rateUsageEvents(db, pricing, events);
      expect(rated.map((r) => [r.eventId, r.charge, r.fee, r.duplicate])).toEqual([
        ['e1', 3_000n, 600n, false],
        ['e2', 999n, 199n, false],
        ['e1', 3_000n, 600n, true],
        ['e3', 50_000n, 10_000n, false],
      ]);
      const again = await rateUsageEvents(db, pricing, events);
      expect(again.every((r) => r.duplicate)).toBe(true);
      const publisher = await getBalance(db, ACCOUNTS.publisherPayable(pricing.publisherId, 'USD').id);
      const project = await getBalance(db, ACCOUNTS.projectPrepaid(pricing.projectId, 'USD').id);
      expect(publisher.balance).toBe(2_400n + 800n + 40_000n);
      expect(project.balance).toBe(1_000_000n - 53_999n);
      // e2 cost 999.5 micros: its half micro waits for the next event, which alone costs half a micro.
      const next = await rateUsageEvents(db, pricing, [{ eventId: 'e4', meter: 'tokens', quantity: '0.25' }]);
      expect(next[0]?.charge).toBe(1n);
    });

    it('refuses unknown meters, other content under a rated id, and bad quantities, charging nothing', async () => {
      const pricing = await launch();
      const project = ACCOUNTS.projectPrepaid(pricing.projectId, 'USD').id;
      await rejectsWith(
        rateUsageEvents(db, pricing, [{ eventId: 'x', meter: 'gpus', quantity: '1' }]),
        'METER_UNKNOWN',
      );
      await rejectsWith(
        rateUsageEvents(db, pricing, [{ eventId: 'x', meter: 'toString', quantity: '1' }]),
        'METER_UNKNOWN',
      );
      await rejectsWith(
        rateUsageEvents(db, pricing, [{ eventId: 'x', meter: 'images', quantity: '-1' }]),
        'AMOUNT_INVALID',
      );
      await rateUsageEvents(db, pricing, [{ eventId: 'y', meter: 'images', quantity: '2' }]);
      await rejectsWith(
        rateUsageEvents(db, pricing, [{ eventId: 'y', meter: 'images', quantity: '3' }]),
        'RATING_CONFLICT',
      );
      await rejectsWith(
        rateUsageEvents(db, pricing, [
          { eventId: 'z', meter: 'images', quantity: '1' },
          { eventId: 'y', meter: 'tokens', quantity: '2' },
        ]),
        'RATING_CONFLICT',
      );
      // The failed batch rolled back as a whole: z was not charged.
      expect((await getBalance(db, project)).balance).toBe(1_000_000n - 100_000n);
      expect((await checkLedger(db)).ok).toBe(true);
    });

    it('rates each event once when the same batches arrive concurrently', async () => {
      const pricing = await launch();
      const batch = Array.from({ length: 10 }, (_, i) => ({
        eventId: `c${i}`,
        meter: 'images',
        quantity: '1',
      }));
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          rateUsageEvents(db, pricing, i % 2 === 0 ? batch : [...batch].reverse()),
        ),
      );
      expect(results.flat().filter((r) => !r.duplicate)).toHaveLength(10);
      expect((await getBalance(db, ACCOUNTS.projectPrepaid(pricing.projectId, 'USD').id)).balance).toBe(
        1_000_000n - 10n * 50_000n,
      );
      expect((await checkLedger(db)).ok).toBe(true);
    });

    it('charges usage already consumed even past zero (enforcement stops spend, not rating)', async () => {
      const pricing = await launch();
      await rateUsageEvents(db, pricing, [{ eventId: 'big', meter: 'images', quantity: '30' }]);
      expect((await getBalance(db, ACCOUNTS.projectPrepaid(pricing.projectId, 'USD').id)).balance).toBe(
        -500_000n,
      );
    });
  });
});
