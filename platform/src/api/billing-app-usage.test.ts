/**
 * App usage charged at the launch's prices as the runtime reports it (POST /v1/usage-events),
 * the publisher's earnings (GET /v1/billing/earnings) and the operators' budgets view
 * (GET /v1/billing/budgets), through the platform's HTTP API. The launch is recorded as the app
 * registry records it (`app_launches` with its `pricing`).
 */
import { testDialects } from '@gpuaas/test-support';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLedger } from '../billing/check.js';
import { asBillingDb } from '../billing/db.js';
import { isoTime, newId } from '../ids.js';
import { startAppUsageFixture } from './app-usage.test.util.js';
import type { AppUsageFixture } from './app-usage.test.util.js';
import type { TestPlatform } from '../testing/harness.js';

const dialects = await testDialects('platform billing of app usage');

interface ChargeBody {
  id: string;
  kind: string;
  allocation_id: string;
  amount_micros: number;
}
interface EarningsBody {
  payable_micros: number;
  opening_balance_micros: number;
  closing_balance_micros: number;
  totals: {
    earned_micros: number;
    refunds_micros: number;
    fees_withheld_micros: number;
    charged_micros: number;
    net_micros: number;
  };
  by_app: {
    app: string | null;
    version: string | null;
    meter: string;
    events: number;
    charged_micros: number;
    fee_micros: number;
    earned_micros: number;
  }[];
  lines: { transfer_id: string; category: string; amount_micros: number; allocation_id: string | null }[];
}

const HOURLY = 1_000_000n; // 1.00 per hour the app is ready
const FEE_BPS = 1500n;

describe.each(dialects)('app usage billing on %s', (dialect) => {
  let fx: AppUsageFixture;
  let t: TestPlatform;
  let operator: string;
  let owner: string;
  let publisher: string;
  let projectId: string;
  let publisherProjectId: string;

  const allocate = () => fx.allocate();
  const runtimeToken = (allocationId: string) => fx.runtimeToken(allocationId);
  const launch: AppUsageFixture['launch'] = (...args) => fx.launch(...args);
  const pricing = (hourly: bigint | null) => fx.pricing(hourly);
  const event: AppUsageFixture['event'] = (...args) => fx.event(...args);
  const send: AppUsageFixture['send'] = (...args) => fx.send(...args);
  const charges = async (allocationId: string) =>
    (
      (await (
        await t.request(`/v1/billing/charges?allocation_id=${allocationId}`, { token: owner })
      ).json()) as {
        items: ChargeBody[];
      }
    ).items;
  const sumOf = (items: ChargeBody[], kind: string) =>
    items.filter((c) => c.kind === kind).reduce((sum, c) => sum + BigInt(c.amount_micros), 0n);
  const earnings = async (token = publisher) =>
    t.request(`/v1/billing/earnings?project_id=${publisherProjectId}`, { token });

  beforeAll(async () => {
    fx = await startAppUsageFixture(dialect, { feeBps: FEE_BPS });
    ({ t, operator, owner, publisher, projectId, publisherProjectId } = fx);
  });
  afterAll(() => t?.close());

  it('charges metered usage and ready time at the launch prices, once: project debit = publisher + fee', async () => {
    const allocationId = await allocate();
    await launch(allocationId, pricing(HOURLY));
    const token = await runtimeToken(allocationId);
    const batch = [
      event(allocationId, 'tok-1', 1234),
      event(allocationId, 'tok-2', 999),
      event(allocationId, 'img-1', 1, { meter: 'images' }),
      // Stored, not charged: a meter without a price, and GPU time (rated by the GPU meter).
      event(allocationId, 'free-1', 5, { meter: 'unpriced' }),
      event(allocationId, 'gpu-1', 60, { meter: 'gpu_seconds', origin: 'runtime' }),
      event(allocationId, 'ready-1', 61.5, { meter: 'app_seconds', origin: 'runtime' }),
      event(allocationId, 'ready-2', 60, { meter: 'app_seconds', origin: 'runtime' }),
      event(allocationId, 'ready-3', 0.001, { meter: 'app_seconds', origin: 'runtime' }),
    ];
    expect((await send(token, batch)).accepted).toHaveLength(batch.length);

    // tokens: floor((1234 + 999) × 3 / 1000) = 6; images: 250000;
    // ready time: floor(1000000 × 121.501 / 3600) = 33750.
    const tokens = 6n;
    const images = 250_000n;
    const hourly = (HOURLY * 121_501n) / 3_600_000n;
    expect(hourly).toBe(33_750n);
    // The fee carries its remainder per meter: floor(charge × 15 %) per meter in all.
    const fee = (tokens * FEE_BPS) / 10_000n + (images * FEE_BPS) / 10_000n + (hourly * FEE_BPS) / 10_000n;
    const total = tokens + images + hourly;

    let items = await charges(allocationId);
    expect(new Set(items.map((c) => c.kind))).toEqual(new Set(['app_usage', 'app_fee']));
    expect(items.every((c) => c.allocation_id === allocationId)).toBe(true);
    expect(sumOf(items, 'app_usage') + sumOf(items, 'app_fee')).toBe(total);
    expect(sumOf(items, 'app_fee')).toBe(fee);

    // The same batch again, and a later batch repeating one event: nothing is charged twice.
    const again = await send(token, batch);
    expect(again.duplicates).toHaveLength(batch.length);
    await send(token, [event(allocationId, 'tok-1', 1234), event(allocationId, 'tok-3', 1000)]);
    items = await charges(allocationId);
    // tok-3 brings tokens to floor(3233 × 3 / 1000) = 9: 3 more.
    expect(sumOf(items, 'app_usage') + sumOf(items, 'app_fee')).toBe(total + 3n);

    // Every charged event is rated once, at its exact share.
    const rated = await t.platform.db
      .selectFrom('billing_rated_events')
      .select(['event_id', sql<string>`cast(charge_micros as text)`.as('charge')])
      .where('event_id', 'in', [
        'tok-1',
        'tok-2',
        'tok-3',
        'img-1',
        'free-1',
        'gpu-1',
        'ready-1',
        'ready-2',
        'ready-3',
      ])
      .execute();
    expect(rated.map((r) => r.event_id).sort()).toEqual(
      ['img-1', 'ready-1', 'ready-2', 'ready-3', 'tok-1', 'tok-2', 'tok-3'].sort(),
    );
    expect(rated.reduce((sum, r) => sum + BigInt(r.charge), 0n)).toBe(total + 3n);
    // Every balance still equals its transfers, and the ledger sums to zero.
    expect((await checkLedger(asBillingDb(t.platform.db))).ok).toBe(true);
  });

  it('charges the hourly price over N seconds as floor(price × N / 3600) in all, however split', async () => {
    const price = 7_777_777n;
    const allocationId = await allocate();
    await launch(allocationId, { ...pricing(price), meters: [] });
    const token = await runtimeToken(allocationId);
    const parts = [0.001, 59.999, 17.25, 3.125, 60, 0.5, 1, 44.444];
    await send(
      token,
      parts.map((seconds, i) =>
        event(allocationId, `r-${i}`, seconds, { meter: 'app_seconds', origin: 'runtime' }),
      ),
    );
    const millis = parts.reduce((sum, s) => sum + BigInt(Math.round(s * 1000)), 0n);
    const items = await charges(allocationId);
    expect(sumOf(items, 'app_usage') + sumOf(items, 'app_fee')).toBe((price * millis) / 3_600_000n);
  });

  it('charges each event at the launch in force when it happened, even when it arrives after a relaunch', async () => {
    const allocationId = await allocate();
    const start = Date.now() - 60_000;
    const relaunched = isoTime(start + 30_000);
    // The first launch (dear tokens) stopped at the relaunch; the second charges them cheaper.
    await launch(
      allocationId,
      { ...pricing(null), meters: [{ meter: 'tokens', unit: 'token', micros: '5', per_units: '1' }] },
      { at: isoTime(start), endedAt: relaunched },
    );
    await launch(
      allocationId,
      { ...pricing(null), meters: [{ meter: 'tokens', unit: 'token', micros: '1', per_units: '1' }] },
      { at: relaunched },
    );
    const token = await runtimeToken(allocationId);
    // The first launch's last usage is flushed only now, after the relaunch.
    await send(token, [
      event(allocationId, 'before-any', 1000, { time: isoTime(start - 1_000) }),
      event(allocationId, 'first', 100, { time: isoTime(start + 10_000) }),
      event(allocationId, 'second', 100, { time: isoTime(start + 40_000) }),
    ]);
    const items = await charges(allocationId);
    // 100 × 5 + 100 × 1; nothing for usage from before the first launch.
    expect(sumOf(items, 'app_usage') + sumOf(items, 'app_fee')).toBe(600n);
  });

  it('charges a batch sent several times at once exactly once', async () => {
    const allocationId = await allocate();
    await launch(allocationId, pricing(HOURLY));
    const token = await runtimeToken(allocationId);
    const batch = Array.from({ length: 20 }, (_, i) => event(allocationId, `c-${i}`, 1000 + i));
    const results = await Promise.all([1, 2, 3, 4].map(() => send(token, batch)));
    expect(results.reduce((n, r) => n + r.accepted.length, 0)).toBe(batch.length);
    const quantity = batch.reduce((sum, e) => sum + BigInt(e.data.quantity), 0n);
    const items = await charges(allocationId);
    expect(sumOf(items, 'app_usage') + sumOf(items, 'app_fee')).toBe((quantity * 3n) / 1000n);
  });

  it('charges nothing for an allocation whose launch has no prices, or that runs no app', async () => {
    const unpriced = await allocate();
    await launch(unpriced, null);
    const bare = await allocate();
    for (const allocationId of [unpriced, bare]) {
      const token = await runtimeToken(allocationId);
      await send(token, [
        event(allocationId, 'x-1', 1000),
        event(allocationId, 'x-2', 60, { meter: 'app_seconds', origin: 'runtime' }),
      ]);
      expect(await charges(allocationId)).toEqual([]);
    }
  });

  it("shows the publisher its earnings: totals equal the sum of the rated events' shares", async () => {
    const response = await earnings();
    expect(response.status).toBe(200);
    const body = (await response.json()) as EarningsBody;
    const rated = await t.platform.db
      .selectFrom('billing_rated_events')
      .innerJoin('app_launches', 'app_launches.id', 'billing_rated_events.launch_id')
      .select([
        sql<string>`cast(sum(charge_micros) as text)`.as('charged'),
        sql<string>`cast(sum(fee_micros) as text)`.as('fee'),
      ])
      .executeTakeFirstOrThrow();
    const charged = BigInt(rated.charged);
    const fee = BigInt(rated.fee);
    expect(BigInt(body.totals.charged_micros)).toBe(charged);
    expect(BigInt(body.totals.fees_withheld_micros)).toBe(fee);
    expect(BigInt(body.totals.earned_micros)).toBe(charged - fee);
    expect(BigInt(body.payable_micros)).toBe(charged - fee);
    expect(body.closing_balance_micros - body.opening_balance_micros).toBe(body.totals.net_micros);
    expect(body.lines.length).toBeGreaterThan(0);
    expect(body.lines.every((l) => l.category === 'app_usage' && l.amount_micros > 0)).toBe(true);
    // By app, version and meter; the hourly price under `hourly`.
    expect(new Set(body.by_app.map((l) => `${l.app}@${l.version}:${l.meter}`))).toEqual(
      new Set(['chat@1.2.0:tokens', 'chat@1.2.0:images', 'chat@1.2.0:hourly']),
    );
    const byApp = body.by_app.reduce((sum, l) => sum + BigInt(l.earned_micros), 0n);
    expect(byApp).toBe(charged - fee);
    for (const line of body.by_app) expect(line.charged_micros - line.fee_micros).toBe(line.earned_micros);

    // A refund of app usage takes the publisher's share back: on its statement as a refund.
    const share = (await charges(body.lines[0]?.allocation_id ?? '')).find((c) => c.kind === 'app_usage');
    expect(share).toBeDefined();
    const refunded = await t.request('/v1/billing/refunds', {
      method: 'POST',
      token: operator,
      headers: { 'Idempotency-Key': newId() },
      json: { charge_id: share?.id, amount: '0.000010', reason: 'outage' },
    });
    expect(refunded.status).toBe(201);
    const after = (await (await earnings()).json()) as EarningsBody;
    expect(after.totals.refunds_micros).toBe(10);
    expect(after.payable_micros).toBe(body.payable_micros - 10);
    expect(after.totals.net_micros).toBe(body.totals.net_micros - 10);
    expect(after.closing_balance_micros).toBe(body.closing_balance_micros - 10);
    expect(after.lines.filter((l) => l.category === 'refund').map((l) => l.amount_micros)).toEqual([-10]);

    // Members of the publisher and operators only.
    expect((await earnings(operator)).status).toBe(200);
    expect((await earnings(owner)).status).toBe(404);
  });

  it('lets operators list every budget with its month-to-date spend, app charges included', async () => {
    const set = await t.request(`/v1/billing/budgets/${projectId}`, {
      method: 'PUT',
      token: owner,
      json: { limit: '1.00', alert_thresholds: [10, 50] },
    });
    expect(set.status).toBe(200);
    const spent = (
      (await (await t.request(`/v1/billing/budgets/${projectId}`, { token: owner })).json()) as {
        spent_micros: number;
      }
    ).spent_micros;
    expect(spent).toBeGreaterThan(0);
    const response = await t.request('/v1/billing/budgets', { token: operator });
    expect(response.status).toBe(200);
    const { items } = (await response.json()) as {
      items: { project_id: string; limit_micros: number; spent_micros: number; spent_percent: string }[];
    };
    const mine = items.find((b) => b.project_id === projectId);
    expect(mine).toMatchObject({ limit_micros: 1_000_000, spent_micros: spent });
    expect(mine?.spent_percent).toBe(
      `${Math.floor((spent * 10_000) / 1_000_000 / 100)}.${String(Math.floor((spent * 10_000) / 1_000_000) % 100).padStart(2, '0')}`,
    );
    expect((await t.request('/v1/billing/budgets', { token: owner })).status).toBe(403);
  });
});
