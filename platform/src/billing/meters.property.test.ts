/**
 * GPU time under retries and crashes: for random prices, GPU counts, interval lengths, durations
 * and funds, settling every interval (each possibly crashed before commit, retried, or both)
 * charges exactly floor(price × GPUs × seconds / 3600), promotional credit first, leaves no hold
 * behind, and keeps the ledger consistent. Retries and crashes never change the result.
 */
import fc from 'fast-check';
import { testDialects } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNTS, getBalance } from './accounts.js';
import { checkLedger } from './check.js';
import type { BillingDb } from './db.js';
import { isBillingError } from './errors.js';
import { settleGpuInterval, startGpuMeter } from './gpu-meter.js';
import type { GpuMeter } from './gpu-meter.js';
import { grantPromotion, projectBalance, topUp } from './operations.js';
import { finalIntervalIndex } from './rating.js';
import { openBillingTestDb } from './testing.js';
import type { BillingTestDb } from './testing.js';

const dialects = await testDialects('billing GPU meter properties');
const RUNS = { sqlite: 40, postgres: 10 } as const;

const caseArb = fc.record({
  price: fc.bigInt({ min: 0n, max: 20_000_000n }),
  gpus: fc.integer({ min: 1, max: 8 }),
  intervalSeconds: fc.integer({ min: 5, max: 120 }),
  runningSeconds: fc.integer({ min: 0, max: 600 }),
  funds: fc.bigInt({ min: 1n, max: 5_000_000n }),
  /** Promotional credit granted too (0: none); it pays first. */
  promo: fc.oneof(fc.constant(0n), fc.bigInt({ min: 1n, max: 3_000_000n })),
  /** Per interval: 0 plain, 1 crash first, 2 retry after, 3 both. */
  faults: fc.array(fc.nat(3), { maxLength: 40 }),
});

describe.each(dialects)('GPU meter properties on %s', (dialect) => {
  let handle: BillingTestDb;
  let db: BillingDb;
  let runs = 0;

  beforeAll(async () => {
    handle = await openBillingTestDb(dialect);
    db = handle.db;
  });
  afterAll(async () => {
    await handle?.close();
  });

  it('charges floor(price × duration) exactly, whatever crashes and retries', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const n = ++runs;
        const meter: GpuMeter = {
          allocationId: `a${n}`,
          projectId: `p${n}`,
          currency: 'USD',
          priceMicrosPerGpuHour: c.price,
          gpuCount: c.gpus,
          intervalSeconds: c.intervalSeconds,
          runningSince: '2026-12-07T00:00:00.000Z',
        };
        await topUp(db, {
          id: `t${n}`,
          projectId: meter.projectId,
          currency: 'USD',
          amount: c.funds,
          reason: 'r',
        });
        if (c.promo > 0n) {
          await grantPromotion(db, {
            id: `g${n}`,
            projectId: meter.projectId,
            currency: 'USD',
            amount: c.promo,
            expiresAt: '2099-01-01T00:00:00.000Z',
            reason: 'r',
          });
        }
        await startGpuMeter(db, meter).catch((error: unknown) => {
          // Not enough for the first hold: the allocation would be refused; rate it anyway.
          if (!isBillingError(error) || error.code !== 'INSUFFICIENT_FUNDS') throw error;
        });
        const last = finalIntervalIndex(c.runningSeconds, c.intervalSeconds);
        for (let k = 0; k <= last; k++) {
          const input = { index: k, runningSeconds: c.runningSeconds, final: k === last };
          const fault = c.faults[k % Math.max(1, c.faults.length)] ?? 0;
          if (fault === 1 || fault === 3) {
            await expect(
              db.transaction().execute(async (trx) => {
                await settleGpuInterval(trx, meter, input);
                throw new Error('crash');
              }),
            ).rejects.toThrow('crash');
          }
          const first = await settleGpuInterval(db, meter, input);
          if (fault >= 2)
            expect(await settleGpuInterval(db, meter, input)).toEqual({ ...first, created: false });
        }
        const exact = (c.price * BigInt(c.gpus) * BigInt(c.runningSeconds)) / 3600n;
        const project = await getBalance(db, ACCOUNTS.projectPrepaid(meter.projectId, 'USD').id);
        const promo = await projectBalance(db, meter.projectId, 'USD');
        expect(project.holds).toBe(0n);
        expect(project.balance + promo.promotional).toBe(c.funds + c.promo - exact);
        // Promotional credit paid first: what is left of it is at most what the charges did not need.
        expect(promo.promotional <= (c.promo > exact ? c.promo - exact : 0n)).toBe(true);
        const charged = await db
          .selectFrom('billing_rated_intervals')
          .select(['idx', 'charge_micros'])
          .where('allocation_id', '=', meter.allocationId)
          .orderBy('idx')
          .execute();
        expect(charged.map((r) => r.idx)).toEqual(Array.from({ length: last + 1 }, (_, i) => i));
        expect(charged.reduce((a, r) => a + BigInt(r.charge_micros), 0n)).toBe(exact);
      }),
      { numRuns: RUNS[dialect] },
    );
    expect((await checkLedger(db)).ok).toBe(true);
  }, 120_000);
});
