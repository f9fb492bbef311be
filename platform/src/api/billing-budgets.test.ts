/**
 * Budgets: set by owners and operators, read by viewers, and alerts that fire once per threshold
 * per month, every month, as `billing.budget_alert` events with audit records. Charges are posted
 * with the billing library, dated in the month under test; checks run with an explicit clock.
 */
import { testDialects } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNTS, openAccounts } from '../billing/accounts.js';
import { checkBudgets, normaliseThresholds } from '../billing/budgets.js';
import { asBillingDb } from '../billing/db.js';
import { createTransfer } from '../billing/ledger.js';
import { refund, topUp } from '../billing/operations.js';
import { startTestPlatform } from '../testing/harness.js';
import type { TestPlatform } from '../testing/harness.js';

const dialects = await testDialects('platform billing budgets');

interface BudgetBody {
  limit_micros: number | null;
  alert_thresholds: number[];
  period: string;
  spent_micros: number;
  alerts_fired: { threshold: number }[];
}

describe('normaliseThresholds', () => {
  it('sorts and dedupes whole percentages and refuses anything else', () => {
    expect(normaliseThresholds([100, 50, 80, 50])).toEqual([50, 80, 100]);
    for (const bad of [[0], [1001], [12.5], Array.from({ length: 11 }, (_, i) => i + 1)]) {
      expect(() => normaliseThresholds(bad)).toThrow(expect.objectContaining({ code: 'BUDGET_INVALID' }));
    }
  });
});

describe.each(dialects)('billing budgets on %s', (dialect) => {
  let t: TestPlatform;
  let operator: string;
  let owner: string;
  let viewer: string;
  let projectId: string;

  const budgetPath = () => `/v1/billing/budgets/${projectId}`;
  const put = (token: string, json: unknown) => t.request(budgetPath(), { method: 'PUT', token, json });
  const charge = async (id: string, amount: bigint, at: string) => {
    const db = asBillingDb(t.platform.db);
    const prepaid = ACCOUNTS.projectPrepaid(projectId, 'USD');
    const revenue = ACCOUNTS.platformRevenue('USD');
    await openAccounts(db, [prepaid, revenue]);
    return createTransfer(db, {
      id,
      debitAccountId: prepaid.id,
      creditAccountId: revenue.id,
      amount,
      category: 'gpu_time',
      periodStart: at,
      periodEnd: at,
      at,
      allowOverdraft: true,
    });
  };
  const check = (at: string) => checkBudgets(t.platform.db, t.platform.compute.bus, Date.parse(at));
  const alertsOf = async () =>
    (
      await t.platform.db
        .selectFrom('platform_events')
        .selectAll()
        .where('type', '=', 'billing.budget_alert')
        .where('project_id', '=', projectId)
        .execute()
    ).length;

  beforeAll(async () => {
    t = await startTestPlatform(dialect, {
      rateLimit: { enabled: false },
      billing: { raterIntervalMs: 600_000 },
    });
    operator = (await t.login('budget-operator@example.com', { operator: true })).token;
    owner = (await t.login('budget-owner@example.com')).token;
    viewer = (await t.login('budget-viewer@example.com')).token;
    const created = await t.request('/v1/projects', {
      method: 'POST',
      token: owner,
      json: { name: 'budget-api' },
    });
    projectId = ((await created.json()) as { id: string }).id;
    await t.request(`/v1/projects/${projectId}/members`, {
      method: 'POST',
      token: owner,
      json: { email: 'budget-viewer@example.com', role: 'viewer' },
    });
    await topUp(asBillingDb(t.platform.db), {
      id: `budget-funds-${projectId}`,
      projectId,
      currency: 'USD',
      amount: 100_000_000n,
      reason: 'funds',
      at: '2026-10-01T00:00:00.000Z',
    });
  });
  afterAll(() => t?.close());

  it('shows no budget until an owner or operator sets one; viewers cannot', async () => {
    const none = (await (await t.request(budgetPath(), { token: viewer })).json()) as BudgetBody;
    expect(none).toMatchObject({ limit_micros: null, alert_thresholds: [], alerts_fired: [] });
    expect((await put(viewer, { limit: '10', alert_thresholds: [50] })).status).toBe(403);
    const zero = await put(owner, { limit: '0', alert_thresholds: [50] });
    expect(zero.status).toBe(400);
    expect(((await zero.json()) as { code: string }).code).toBe('BUDGET_INVALID');
    const set = await put(owner, { limit: '10.00', alert_thresholds: [100, 50, 80] });
    expect(set.status).toBe(200);
    expect(await set.json()).toMatchObject({ limit_micros: 10_000_000, alert_thresholds: [50, 80, 100] });
    expect((await put(operator, { limit: '10', alert_thresholds: [100, 50, 80] })).status).toBe(200);
    const seen = (await (await t.request(budgetPath(), { token: viewer })).json()) as BudgetBody;
    expect(seen).toMatchObject({ limit_micros: 10_000_000, period: new Date().toISOString().slice(0, 7) });
    const audit = await t.platform.db
      .selectFrom('audit_events')
      .select(['result', 'target_id'])
      .where('action', '=', 'billing.budget_set')
      .where('result', '=', 'success')
      .execute();
    expect(audit).toEqual([
      { result: 'success', target_id: projectId },
      { result: 'success', target_id: projectId },
    ]);
  });

  it('fires each threshold once per month, and again the next month', async () => {
    // November: 6.00 of 10.00 reaches 50 %; a second check is quiet; 8.50 reaches 80 %.
    await charge(`budget-nov-1-${projectId}`, 6_000_000n, '2026-11-03T00:00:00.000Z');
    expect((await check('2026-11-04T00:00:00.000Z')).map((a) => [a.period, a.threshold])).toEqual([
      ['2026-11', 50],
    ]);
    expect(await check('2026-11-04T00:01:00.000Z')).toEqual([]);
    const second = await charge(`budget-nov-2-${projectId}`, 2_500_000n, '2026-11-05T00:00:00.000Z');
    expect((await check('2026-11-06T00:00:00.000Z')).map((a) => a.threshold)).toEqual([80]);
    // A refund lowers the month's spend; what fired stays fired.
    await refund(asBillingDb(t.platform.db), {
      id: `budget-refund-${projectId}`,
      chargeId: second.transfer.id,
      reason: 'outage',
      at: '2026-11-07T00:00:00.000Z',
    });
    expect(await check('2026-11-08T00:00:00.000Z')).toEqual([]);

    // December starts from nothing: 5.00 reaches 50 % again, 10.00 reaches 80 % and 100 %.
    await charge(`budget-dec-1-${projectId}`, 5_000_000n, '2026-12-01T00:00:00.000Z');
    expect((await check('2026-12-01T01:00:00.000Z')).map((a) => [a.period, a.threshold])).toEqual([
      ['2026-12', 50],
    ]);
    await charge(`budget-dec-2-${projectId}`, 5_000_000n, '2026-12-02T00:00:00.000Z');
    const december = await check('2026-12-02T01:00:00.000Z');
    expect(december.map((a) => [a.threshold, a.spent])).toEqual([
      [80, 10_000_000n],
      [100, 10_000_000n],
    ]);

    expect(await alertsOf()).toBe(5);
    const audit = await t.platform.db
      .selectFrom('audit_events')
      .select(['details'])
      .where('action', '=', 'billing.budget_alert')
      .where('project_id', '=', projectId)
      .execute();
    expect(
      audit.map((a) => JSON.parse(a.details ?? '{}') as { period: string; threshold_percent: number }),
    ).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ period: '2026-11', threshold_percent: 50 }),
        expect.objectContaining({ period: '2026-12', threshold_percent: 50 }),
      ]),
    );
    expect(audit).toHaveLength(5);
  });
});
