/**
 * Batch rating of app usage, under random deliveries: the same events (some sent twice, with
 * times on both sides of a month's end) cut into random batches, delivered in random order, some
 * deliveries crashing before their commit and delivered again. Whatever the cut and the order:
 * every distinct event is rated once, the project pays exactly floor(Σ quantity × price) per meter,
 * publisher share + fee add up to it with the fee exact to the micro, each event's record names
 * transfers that exist and carry it (same launch, its own statement month, a period covering the
 * event), and the balances equal those of the same events rated one at a time.
 */
import fc from 'fast-check';
import { testDialects } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNTS, getBalance } from './accounts.js';
import { checkLedger } from './check.js';
import type { BillingDb } from './db.js';
import { topUp } from './operations.js';
import { parseQuantity, QUANTITY_SCALE } from './rating.js';
import type { MeterPrice } from './rating.js';
import { openBillingTestDb } from './testing.js';
import type { BillingTestDb } from './testing.js';
import { selectTransfers, toTransfer } from './transfers.js';
import { rateUsageEvents } from './usage-rater.js';
import type { LaunchPricing, UsageEventInput } from './usage-rater.js';

const dialects = await testDialects('billing usage batch properties');
const RUNS = { sqlite: 100, postgres: 30 } as const;
const METERS: Record<string, MeterPrice> = {
  tokens: { micros: 300_000n, perUnits: 1_000n },
  images: { micros: 50_000n },
};

const eventArb = fc.record({
  id: fc.nat(40),
  meter: fc.constantFrom('tokens', 'images'),
  whole: fc.nat(5_000),
  millis: fc.nat(999),
  // Seconds around 2026-12-01T00:00:00Z: a batch may hold events of two statement months.
  second: fc.integer({ min: -90, max: 90 }),
});

const deliveryArb = fc.record({
  events: fc.array(eventArb, { minLength: 1, maxLength: 60 }),
  cuts: fc.array(fc.integer({ min: 1, max: 25 }), { minLength: 1, maxLength: 12 }),
  order: fc.array(fc.nat(), { maxLength: 12 }),
  crashes: fc.array(fc.boolean(), { maxLength: 12 }),
  feeBasisPoints: fc.integer({ min: 0, max: 10_000 }),
});

describe.each(dialects)('usage batch properties on %s', (dialect) => {
  let testDb: BillingTestDb;
  let db: BillingDb;
  let namespaces = 0;
  beforeAll(async () => {
    testDb = await openBillingTestDb(dialect);
    db = testDb.db;
  });
  afterAll(() => testDb.close());

  async function rateAll(launch: LaunchPricing, batches: UsageEventInput[][], crashes: boolean[]) {
    for (const [i, batch] of batches.entries()) {
      if (crashes[i] === true) {
        // The process dies after rating, before the commit: nothing of it may remain.
        await expect(
          db.transaction().execute(async (trx) => {
            await rateUsageEvents(trx, launch, batch);
            throw new Error('crash');
          }),
        ).rejects.toThrow('crash');
      }
      await rateUsageEvents(db, launch, batch);
    }
  }

  async function launchOf(name: string, feeBasisPoints: number): Promise<LaunchPricing> {
    const projectId = `${name}-p`;
    await topUp(db, { id: `${name}-topup`, projectId, currency: 'USD', amount: 10n ** 12n, reason: 'r' });
    return {
      launchId: `${name}-l`,
      projectId,
      publisherId: `${name}-pub`,
      currency: 'USD',
      feeBasisPoints,
      meters: METERS,
    };
  }

  const balancesOf = async (launch: LaunchPricing) =>
    Promise.all(
      [
        ACCOUNTS.projectPrepaid(launch.projectId, 'USD').id,
        ACCOUNTS.publisherPayable(launch.publisherId, 'USD').id,
      ].map(async (id) => (await getBalance(db, id)).balance),
    );

  it('rates each event once, exactly, whatever the batches, their order and the crashes', async () => {
    await fc.assert(
      fc.asyncProperty(deliveryArb, async ({ events, cuts, order, crashes, feeBasisPoints }) => {
        const ns = `b${++namespaces}`;
        // An id always carries the same content: a resend is a duplicate, never a conflict.
        const content = new Map<number, UsageEventInput>();
        const sent = events.map((e) => {
          const known = content.get(e.id);
          if (known !== undefined) return known;
          const event: UsageEventInput = {
            eventId: `ev-${e.id}`,
            meter: e.meter,
            quantity: `${e.whole}.${String(e.millis).padStart(3, '0')}`,
            occurredAt: new Date(Date.UTC(2026, 11, 1) + e.second * 1000).toISOString(),
          };
          content.set(e.id, event);
          return event;
        });
        const batches: UsageEventInput[][] = [];
        for (let i = 0, c = 0; i < sent.length; c++) {
          const size = cuts[c % cuts.length] ?? 1;
          batches.push(sent.slice(i, i + size));
          i += size;
        }
        for (const [i, j] of order.entries()) {
          const a = batches[i % batches.length];
          const b = batches[j % batches.length];
          if (a !== undefined && b !== undefined) {
            batches[i % batches.length] = b;
            batches[j % batches.length] = a;
          }
        }

        const launch = await launchOf(ns, feeBasisPoints);
        await rateAll(launch, batches, crashes);

        // Every distinct event once; per meter exactly floor(Σ quantity × price).
        const distinct = [...content.values()];
        const rated = await db
          .selectFrom('billing_rated_events')
          .select(['event_id', 'charge_micros', 'fee_micros', 'transfer_ids'])
          .where('launch_id', '=', launch.launchId)
          .execute();
        expect(rated.map((r) => r.event_id).sort()).toEqual(distinct.map((e) => e.eventId).sort());
        let charge = 0n;
        let fee = 0n;
        for (const [meter, price] of Object.entries(METERS)) {
          const exact = distinct
            .filter((e) => e.meter === meter)
            .reduce((sum, e) => sum + parseQuantity(e.quantity) * price.micros, 0n);
          const meterCharge = exact / (QUANTITY_SCALE * (price.perUnits ?? 1n));
          charge += meterCharge;
          fee += (meterCharge * BigInt(feeBasisPoints)) / 10_000n;
        }
        expect(rated.reduce((sum, r) => sum + BigInt(r.charge_micros), 0n)).toBe(charge);
        expect(rated.reduce((sum, r) => sum + BigInt(r.fee_micros), 0n)).toBe(fee);
        const [project, publisher] = await balancesOf(launch);
        expect(project).toBe(10n ** 12n - charge);
        expect(publisher).toBe(charge - fee);

        // Each event's record names transfers of its launch and month whose period covers it.
        const transfers = new Map(
          (await selectTransfers(db).where('allocation_id', '=', launch.launchId).execute()).map((row) => [
            row.id,
            toTransfer(row),
          ]),
        );
        expect([...transfers.values()].reduce((sum, t) => sum + t.amount, 0n)).toBe(charge);
        for (const row of rated) {
          const event = distinct.find((e) => e.eventId === row.event_id);
          const when = event?.occurredAt ?? '';
          for (const id of JSON.parse(row.transfer_ids) as string[]) {
            const t = transfers.get(id);
            expect(t, id).toBeDefined();
            expect(t?.periodStart?.slice(0, 7)).toBe(when.slice(0, 7));
            expect(Date.parse(t?.periodStart ?? '') <= Date.parse(when)).toBe(true);
            expect(Date.parse(t?.periodEnd ?? '') >= Date.parse(when)).toBe(true);
          }
          if (BigInt(row.charge_micros) > 0n) expect(JSON.parse(row.transfer_ids)).not.toEqual([]);
        }

        // The same events one at a time, in input order: the same balances.
        const single = await launchOf(`${ns}-1by1`, feeBasisPoints);
        await rateAll(
          single,
          sent.map((e) => [e]),
          [],
        );
        expect(await balancesOf(single)).toEqual([project, publisher]);
      }),
      { numRuns: RUNS[dialect] },
    );
    expect(await checkLedger(db)).toMatchObject({ ok: true, differences: [], imbalances: [], problems: [] });
  }, 120_000);
});
