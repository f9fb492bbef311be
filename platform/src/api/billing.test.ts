/**
 * Billing over HTTP on the in-process API: who may read a balance and move money, idempotent
 * retries (within the key's 24 hours and after them), refunds that never exceed their charge,
 * charges listed with their refunds, audit records and `billing.balance_changed` events. Charges
 * are made with the billing library directly (the rater that makes them from allocations is
 * tested elsewhere).
 */
import { testDialects } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asBillingDb } from '../billing/db.js';
import { settleGpuInterval, startGpuMeter } from '../billing/gpu-meter.js';
import { newId } from '../ids.js';
import { startTestPlatform } from '../testing/harness.js';
import type { TestPlatform } from '../testing/harness.js';

const dialects = await testDialects('platform billing API');

interface Balance {
  currency: string;
  balance_micros: number;
  available_micros: number;
  holds_micros: number;
  prepaid_micros: number;
  promotional_micros: number;
}
interface Transfer {
  id: string;
  kind: string;
  category: string;
  amount_micros: number;
  corrects_id: string | null;
}
interface Charge {
  id: string;
  kind: string;
  allocation_id: string | null;
  amount_micros: number;
  refunded_micros: number;
  period_start: string | null;
  period_end: string | null;
  transfer_ids: string[];
}

describe.each(dialects)('billing API on %s', (dialect) => {
  let t: TestPlatform;
  let operator: string;
  let owner: string;
  let viewer: string;
  let stranger: string;
  let projectId: string;

  const post = (path: string, token: string, json: unknown, key?: string) =>
    t.request(path, {
      method: 'POST',
      token,
      json,
      ...(key === undefined ? {} : { headers: { 'idempotency-key': key } }),
    });
  const balance = async (token = owner, project = projectId) => {
    const res = await t.request(`/v1/billing/balance?project_id=${project}`, { token });
    expect(res.status).toBe(200);
    return (await res.json()) as Balance;
  };
  const codeOf = async (res: Response) => ({
    status: res.status,
    code: ((await res.json()) as { code?: string }).code,
  });

  /** Charges a project for 90 s of 2 GPUs at 2.50 per GPU-hour: intervals of 83,333 and 41,667 micros. */
  async function gpuCharges(project: string): Promise<string> {
    const db = asBillingDb(t.platform.db);
    const meter = {
      allocationId: newId(),
      projectId: project,
      currency: 'USD',
      priceMicrosPerGpuHour: 2_500_000n,
      gpuCount: 2,
      intervalSeconds: 60,
      runningSince: '2026-12-07T10:00:00.000Z',
    };
    await startGpuMeter(db, meter);
    await settleGpuInterval(db, meter, { index: 0, runningSeconds: 90, final: false });
    await settleGpuInterval(db, meter, { index: 1, runningSeconds: 90, final: true });
    return meter.allocationId;
  }

  beforeAll(async () => {
    // The rater loop stays idle: the meter rows this test writes are not real allocations.
    t = await startTestPlatform(dialect, {
      rateLimit: { enabled: false },
      billing: { raterIntervalMs: 600_000 },
    });
    operator = (await t.login('billing-operator@example.com', { operator: true })).token;
    owner = (await t.login('billing-owner@example.com')).token;
    viewer = (await t.login('billing-viewer@example.com')).token;
    stranger = (await t.login('billing-stranger@example.com')).token;
    const created = await post('/v1/projects', owner, { name: 'billing-api' });
    projectId = ((await created.json()) as { id: string }).id;
    const added = await post(`/v1/projects/${projectId}/members`, owner, {
      email: 'billing-viewer@example.com',
      role: 'viewer',
    });
    expect(added.status).toBe(201);
  });
  afterAll(() => t?.close());

  it('shows the balance to viewers and operators only; available = balance − holds', async () => {
    const seen = await balance(viewer);
    expect(seen).toMatchObject({ currency: 'USD' });
    expect(seen.available_micros).toBe(seen.balance_micros - seen.holds_micros);
    expect(seen.balance_micros).toBe(seen.prepaid_micros + seen.promotional_micros);
    expect(await balance(operator)).toEqual(seen);
    const res = await t.request(`/v1/billing/balance?project_id=${projectId}`, { token: stranger });
    expect(await codeOf(res)).toEqual({ status: 404, code: 'NOT_FOUND' });
  });

  it('lets operators top up, once per idempotency key even after the key expired; tenants cannot', async () => {
    const before = await balance();
    const key = `topup-${newId()}`;
    const body = { project_id: projectId, amount: '12.50', reason: 'invoice 42 paid' };
    const first = await post('/v1/billing/topups', operator, body, key);
    expect(first.status).toBe(201);
    const transfer = (await first.json()) as Transfer;
    expect(transfer).toMatchObject({ kind: 'single', category: 'topup', amount_micros: 12_500_000 });

    const replayed = await post('/v1/billing/topups', operator, body, key);
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expect(((await replayed.json()) as Transfer).id).toBe(transfer.id);
    // Past the HTTP layer's 24 hours the ledger's id, unique forever, still stops a second top-up.
    await t.platform.db.deleteFrom('idempotency_keys').where('key', '=', key).execute();
    const late = await post('/v1/billing/topups', operator, body, key);
    expect(late.status).toBe(200);
    expect(((await late.json()) as Transfer).id).toBe(transfer.id);
    expect((await balance()).balance_micros).toBe(before.balance_micros + 12_500_000);

    for (const token of [owner, viewer, stranger]) {
      expect(await codeOf(await post('/v1/billing/topups', token, body))).toEqual({
        status: 403,
        code: 'FORBIDDEN',
      });
    }
    expect((await balance()).balance_micros).toBe(before.balance_micros + 12_500_000);

    const audit = await t.platform.db
      .selectFrom('audit_events')
      .select(['target_id', 'project_id', 'result', 'details'])
      .where('action', '=', 'billing.topup')
      .execute();
    // A replay answered by the HTTP layer is recorded as such, without running the handler.
    const replays = audit.filter((a) => a.details?.includes('"replayed":true'));
    const handled = audit.filter((a) => !replays.includes(a));
    expect(replays).toHaveLength(1);
    expect(handled.map((a) => a.result).sort()).toEqual([
      'failure',
      'failure',
      'failure',
      'success',
      'success',
    ]);
    expect(handled.filter((a) => a.target_id !== projectId || a.project_id !== projectId)).toEqual([]);

    const events = await t.platform.db
      .selectFrom('platform_events')
      .select(['data'])
      .where('type', '=', 'billing.balance_changed')
      .where('project_id', '=', projectId)
      .execute();
    const changes = events.map((e) => JSON.parse(e.data) as { cause: string; transfer_id: string });
    expect(changes.filter((c) => c.transfer_id === transfer.id)).toEqual([
      expect.objectContaining({ cause: 'topup' }),
    ]);
  });

  it('refuses malformed amounts and blank reasons with their codes', async () => {
    const cases: [string, unknown, { status: number; code: string }][] = [
      ['too precise', { amount: '1.0000001', reason: 'x' }, { status: 400, code: 'AMOUNT_INVALID' }],
      ['negative', { amount: '-1', reason: 'x' }, { status: 400, code: 'AMOUNT_INVALID' }],
      ['too large', { amount: '2000000000', reason: 'x' }, { status: 400, code: 'AMOUNT_INVALID' }],
      ['zero', { amount: '0', reason: 'x' }, { status: 400, code: 'AMOUNT_INVALID' }],
      ['blank reason', { amount: '1', reason: '  ' }, { status: 400, code: 'TRANSFER_INVALID' }],
      ['no reason', { amount: '1' }, { status: 400, code: 'VALIDATION_FAILED' }],
    ];
    for (const [name, body, want] of cases) {
      const res = await post('/v1/billing/topups', operator, { project_id: projectId, ...(body as object) });
      expect(await codeOf(res), name).toEqual(want);
    }
  });

  it('lists charges with their refunds, pages them, and never refunds more than a charge', async () => {
    const allocationId = await gpuCharges(projectId);
    const list = async (query: string, token = viewer) => {
      const res = await t.request(`/v1/billing/charges?${query}`, { token });
      expect(res.status).toBe(200);
      return (await res.json()) as { items: Charge[]; next_cursor: string | null };
    };
    const { items } = await list(`project_id=${projectId}&allocation_id=${allocationId}`);
    expect(items).toEqual([
      expect.objectContaining({
        id: `gpu:${allocationId}:0`,
        kind: 'gpu_time',
        allocation_id: allocationId,
        amount_micros: 83_333,
        refunded_micros: 0,
        period_start: '2026-12-07T10:00:00.000Z',
        period_end: '2026-12-07T10:01:00.000Z',
      }),
      expect.objectContaining({ id: `gpu:${allocationId}:1`, amount_micros: 41_667 }),
    ]);
    const first = await list(`project_id=${projectId}&allocation_id=${allocationId}&limit=1`);
    expect(first.items.map((c) => c.id)).toEqual([`gpu:${allocationId}:0`]);
    const second = await list(
      `project_id=${projectId}&allocation_id=${allocationId}&limit=1&cursor=${first.next_cursor ?? ''}`,
    );
    expect(second.items.map((c) => c.id)).toEqual([`gpu:${allocationId}:1`]);
    expect(second.next_cursor).toBeNull();
    expect(
      await codeOf(await t.request(`/v1/billing/charges?project_id=${projectId}`, { token: stranger })),
    ).toEqual({ status: 404, code: 'NOT_FOUND' });

    const chargeId = `gpu:${allocationId}:0`;
    const before = await balance();
    const refund = (body: object, key?: string) =>
      post('/v1/billing/refunds', operator, { charge_id: chargeId, reason: 'outage', ...body }, key);
    const part = await refund({ amount: '0.03' }, `refund-${newId()}`);
    expect(part.status).toBe(201);
    expect((await part.json()) as Transfer).toMatchObject({
      category: 'refund',
      corrects_id: chargeId,
      amount_micros: 30_000,
    });
    expect(await codeOf(await refund({ amount: '0.06' }))).toEqual({
      status: 422,
      code: 'CORRECTION_EXCEEDS_ORIGINAL',
    });
    expect(
      await codeOf(await post('/v1/billing/refunds', owner, { charge_id: chargeId, reason: 'x' })),
    ).toEqual({ status: 403, code: 'FORBIDDEN' });
    // Without an amount: what is left (53,333), once per key.
    const key = `refund-${newId()}`;
    const rest = (await (await refund({}, key)).json()) as Transfer;
    expect(rest.amount_micros).toBe(53_333);
    await t.platform.db.deleteFrom('idempotency_keys').where('key', '=', key).execute();
    expect(((await (await refund({}, key)).json()) as Transfer).id).toBe(rest.id);
    expect(await codeOf(await refund({ amount: '0.000001' }))).toEqual({
      status: 422,
      code: 'CORRECTION_EXCEEDS_ORIGINAL',
    });
    expect((await balance()).prepaid_micros).toBe(before.prepaid_micros + 83_333);

    const [refunded] = (await list(`project_id=${projectId}&allocation_id=${allocationId}`)).items;
    expect(refunded).toMatchObject({ refunded_micros: 83_333 });
    expect(refunded?.transfer_ids).toHaveLength(3);
    expect(
      await codeOf(await post('/v1/billing/refunds', operator, { charge_id: 'topup:x', reason: 'x' })),
    ).toEqual({ status: 404, code: 'CORRECTION_TARGET_NOT_FOUND' });
  });

  it('grants promotional credit that counts in the balance until it expires', async () => {
    const before = await balance();
    const res = await post(
      '/v1/billing/promotions',
      operator,
      { project_id: projectId, amount: '5', expires_at: '2999-01-01T00:00:00Z', reason: 'launch offer' },
      `promo-${newId()}`,
    );
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({
      project_id: projectId,
      amount_micros: 5_000_000,
      expires_at: '2999-01-01T00:00:00.000Z',
      transfer: { category: 'promo_grant' },
    });
    const after = await balance();
    expect(after.promotional_micros).toBe(before.promotional_micros + 5_000_000);
    expect(after.balance_micros).toBe(before.balance_micros + 5_000_000);
    const past = await post('/v1/billing/promotions', operator, {
      project_id: projectId,
      amount: '5',
      expires_at: '2020-01-01T00:00:00Z',
      reason: 'too late',
    });
    expect(await codeOf(past)).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
  });

  it("shows one interval of the running allocations' cost, and when funds ran out", async () => {
    const quiet = await balance();
    expect(quiet).toMatchObject({ running_interval_micros: 0, funds_exhausted: null });
    const now = new Date().toISOString();
    const created = await post('/v1/allocations', owner, { project_id: projectId, gpus: { count: 2 } });
    expect(created.status).toBe(201);
    const allocationId = ((await created.json()) as { id: string }).id;
    // As if it had become running at 2.50 per GPU-hour (the rater is idle in this test).
    const running = { gpu_count: 2, interval_seconds: 60, price_micros: 2_500_000n, running_since: now };
    const { db } = t.platform;
    const opened = await db
      .selectFrom('billing_gpu_meters')
      .select('allocation_id')
      .where('allocation_id', '=', allocationId)
      .executeTakeFirst();
    if (opened === undefined) {
      await db
        .insertInto('billing_gpu_meters')
        .values({
          ...running,
          allocation_id: allocationId,
          project_id: projectId,
          currency: 'USD',
          hold_price_micros: 2_500_000n,
          closed_at: null,
          created_at: now,
        })
        .execute();
    } else {
      await db
        .updateTable('billing_gpu_meters')
        .set(running)
        .where('allocation_id', '=', allocationId)
        .execute();
    }
    await t.platform.db
      .insertInto('billing_funds_exhausted')
      .values({ project_id: projectId, currency: 'USD', since: now, release_after: now })
      .execute();
    expect(await balance(viewer)).toMatchObject({
      running_interval_micros: 83_333,
      funds_exhausted: { since: now, release_after: now },
    });
  });

  it('answers 404 for a project that does not exist and 400 for charges of no project', async () => {
    const ghost = newId();
    expect(
      await codeOf(
        await post('/v1/billing/topups', operator, { project_id: ghost, amount: '1', reason: 'x' }),
      ),
    ).toEqual({ status: 404, code: 'NOT_FOUND' });
    expect(await codeOf(await t.request('/v1/billing/charges', { token: operator }))).toEqual({
      status: 400,
      code: 'VALIDATION_FAILED',
    });
  });
});

describe.each(dialects)('refunds a second operator approves, on %s', (dialect) => {
  let t: TestPlatform;
  let first: string;
  let second: string;
  let projectId: string;
  let chargeId: string;

  const post = (path: string, token: string, json?: unknown, key?: string) =>
    t.request(path, {
      method: 'POST',
      token,
      ...(json === undefined ? {} : { json }),
      ...(key === undefined ? {} : { headers: { 'idempotency-key': key } }),
    });
  const answer = async <T>(res: Response) => ({ status: res.status, body: (await res.json()) as T });

  beforeAll(async () => {
    t = await startTestPlatform(dialect, {
      rateLimit: { enabled: false },
      billing: { raterIntervalMs: 600_000, refundApprovalAbove: '0.05' },
    });
    first = (await t.login('refund-first@example.com', { operator: true })).token;
    second = (await t.login('refund-second@example.com', { operator: true })).token;
    const owner = (await t.login('refund-owner@example.com')).token;
    const created = await post('/v1/projects', owner, { name: 'refund-approval' });
    projectId = ((await created.json()) as { id: string }).id;
    await post('/v1/billing/topups', first, { project_id: projectId, amount: '1', reason: 'funds' });
    const meter = {
      allocationId: newId(),
      projectId,
      currency: 'USD',
      priceMicrosPerGpuHour: 2_500_000n,
      gpuCount: 2,
      intervalSeconds: 60,
      runningSince: '2026-12-07T10:00:00.000Z',
    };
    await startGpuMeter(asBillingDb(t.platform.db), meter);
    await settleGpuInterval(asBillingDb(t.platform.db), meter, { index: 0, runningSeconds: 60, final: true });
    chargeId = `gpu:${meter.allocationId}:0`;
  });
  afterAll(() => t?.close());

  it('refunds up to the threshold at once, and above it only with a second operator', async () => {
    const small = await answer<Transfer>(
      await post('/v1/billing/refunds', first, { charge_id: chargeId, amount: '0.05', reason: 'small' }),
    );
    expect(small).toMatchObject({ status: 201, body: { amount_micros: 50_000 } });
    // What is left (33,333) is below the threshold too; 0.04 is more than is left: refused as such.
    expect(
      await answer(
        await post('/v1/billing/refunds', first, { charge_id: chargeId, amount: '0.04', reason: 'x' }),
      ),
    ).toMatchObject({ status: 422, body: { code: 'CORRECTION_EXCEEDS_ORIGINAL' } });
  });

  it('files a request above the threshold that its own author cannot approve', async () => {
    const big = await bigCharge();
    expect(
      await answer(await post('/v1/billing/refunds', first, { charge_id: big, reason: 'outage' })),
    ).toMatchObject({ status: 403, body: { code: 'REFUND_APPROVAL_REQUIRED' } });

    const key = `request-${newId()}`;
    const filed = await answer<{ id: string; amount_micros: number; approved_at: string | null }>(
      await post('/v1/billing/refund-requests', first, { charge_id: big, reason: 'outage' }, key),
    );
    expect(filed).toMatchObject({ status: 201, body: { amount_micros: 1_000_000, approved_at: null } });
    await t.platform.db.deleteFrom('idempotency_keys').where('key', '=', key).execute();
    const again = await answer<{ id: string }>(
      await post('/v1/billing/refund-requests', first, { charge_id: big, reason: 'outage' }, key),
    );
    expect(again).toMatchObject({ status: 200, body: { id: filed.body.id } });

    // The approver finds it waiting without being sent its id; the list pages by id.
    const listed = async (state: string, query = '') =>
      answer<{ items: { id: string; transfer_id: string | null }[]; next_cursor: string | null }>(
        await t.request(`/v1/billing/refund-requests?state=${state}${query}`, { token: second }),
      );
    const pending = await listed('pending');
    expect(pending.status).toBe(200);
    expect(pending.body.items.map((r) => r.id)).toEqual([filed.body.id]);
    const firstPage = await listed('pending', '&limit=1');
    expect(firstPage.body.next_cursor).toBeNull();

    const approve = (token: string) => post(`/v1/billing/refund-requests/${filed.body.id}/approve`, token);
    expect(await answer(await approve(first))).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    const made = await answer<Transfer>(await approve(second));
    expect((await listed('pending')).body.items).toEqual([]);
    expect((await listed('approved')).body.items).toMatchObject([
      { id: filed.body.id, transfer_id: made.body.id },
    ]);
    expect(made).toMatchObject({
      status: 201,
      body: { category: 'refund', corrects_id: big, amount_micros: 1_000_000 },
    });
    const repeated = await answer<Transfer>(await approve(second));
    expect(repeated).toMatchObject({ status: 200, body: { id: made.body.id } });

    const stored = await t.platform.db
      .selectFrom('billing_refund_requests')
      .select(['approved_by', 'transfer_id'])
      .where('id', '=', filed.body.id)
      .executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ transfer_id: made.body.id });
    expect(stored.approved_by).toMatch(/^user:/);
    expect(
      await answer(await post('/v1/billing/refund-requests', first, { charge_id: big, reason: 'more' })),
    ).toMatchObject({ status: 422, body: { code: 'CORRECTION_EXCEEDS_ORIGINAL' } });
  });

  /** A charge of 1.00: 60 s of one GPU at 60.00 per GPU-hour. */
  async function bigCharge(): Promise<string> {
    await post('/v1/billing/topups', first, { project_id: projectId, amount: '5', reason: 'funds' });
    const meter = {
      allocationId: newId(),
      projectId,
      currency: 'USD',
      priceMicrosPerGpuHour: 60_000_000n,
      gpuCount: 1,
      intervalSeconds: 60,
      runningSince: '2026-12-07T11:00:00.000Z',
    };
    await startGpuMeter(asBillingDb(t.platform.db), meter);
    await settleGpuInterval(asBillingDb(t.platform.db), meter, { index: 0, runningSeconds: 60, final: true });
    return `gpu:${meter.allocationId}:0`;
  }
});
