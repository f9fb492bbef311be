/**
 * `gpuaas billing` as a child process (the built bin) against a real platform: balance with its
 * low-funds warning, operator top-ups, refunds and credit, charges, statements (JSON, CSV, closing),
 * and the refusals a tenant gets.
 * Charges are made with the billing library on the platform's database (the rater that makes them
 * from running allocations is tested with the platform).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNTS, openAccounts } from '../platform/src/billing/accounts.js';
import { asBillingDb } from '../platform/src/billing/db.js';
import { createTransfer } from '../platform/src/billing/ledger.js';
import { topUp } from '../platform/src/billing/operations.js';
import { settleGpuInterval, startGpuMeter } from '../platform/src/billing/gpu-meter.js';
import { newId } from '../platform/src/ids.js';
import { startTestPlatform } from '../platform/src/testing/harness.js';
import type { TestPlatform } from '../platform/src/testing/harness.js';
import { gpuaasBin, run } from './support/processes.js';
import type { RunResult } from './support/processes.js';

interface Balance {
  currency: string;
  balance_micros: number;
  available_micros: number;
  holds_micros: number;
}

describe('gpuaas billing against a real platform', () => {
  let t: TestPlatform;
  let dir: string;
  let operatorToken: string;
  let ownerToken: string;
  let projectId: string;

  const gpuaas = (args: string[], token = ownerToken): Promise<RunResult> =>
    run(gpuaasBin, args, {
      PATH: process.env.PATH,
      GPUAAS_API_URL: t.url,
      GPUAAS_TOKEN: token,
      GPUAAS_CREDENTIALS_FILE: join(dir, 'credentials.json'),
      CI: 'true',
    });
  const json = <T>(r: RunResult): T => {
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as T;
  };
  const balance = async () =>
    json<Balance>(await gpuaas(['billing', 'balance', '--project', 'bill-demo', '--output', 'json']));

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gpuaas-billing-cli-'));
    t = await startTestPlatform('sqlite', {
      localNode: false,
      log: { level: 'warn' },
      billing: { raterIntervalMs: 600_000, refundApprovalAbove: '1.00' },
    });
    operatorToken = (await t.login('billing-ops@example.com', { operator: true })).token;
    ownerToken = (await t.login('billing-dev@example.com')).token;
    const created = await t.request('/v1/projects', {
      method: 'POST',
      token: ownerToken,
      json: { name: 'bill-demo' },
    });
    projectId = ((await created.json()) as { id: string }).id;
  });
  afterAll(async () => {
    await t?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('prints the balance as four integer keys, tops up (operators only) and grants credit', async () => {
    const before = await balance();
    for (const key of ['balance_micros', 'available_micros', 'holds_micros'] as const)
      expect(Number.isInteger(before[key]), key).toBe(true);
    expect(before.currency).toBe('USD');

    const transfer = json<{ id: string; category: string; amount_micros: number }>(
      await gpuaas(
        ['billing', 'topup', 'bill-demo', '12.50', '--reason', 'invoice 1', '--output', 'json'],
        operatorToken,
      ),
    );
    expect(transfer).toMatchObject({ category: 'topup', amount_micros: 12_500_000 });
    expect((await balance()).balance_micros).toBe(before.balance_micros + 12_500_000);

    const refused = await gpuaas(['billing', 'topup', 'bill-demo', '100', '--reason', 'free money']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('error[FORBIDDEN]');
    const malformed = await gpuaas(
      ['billing', 'topup', 'bill-demo', '1.0000001', '--reason', 'x'],
      operatorToken,
    );
    expect(malformed.stderr).toContain('error[AMOUNT_INVALID]');
    expect((await balance()).balance_micros).toBe(before.balance_micros + 12_500_000);

    const credit = json<{ amount_micros: number; expires_at: string }>(
      await gpuaas(
        ['billing', 'credit', projectId, '5', '--expires', '30d', '--reason', 'welcome', '--json'],
        operatorToken,
      ),
    );
    expect(credit.amount_micros).toBe(5_000_000);
    expect(Date.parse(credit.expires_at)).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    expect((await balance()).balance_micros).toBe(before.balance_micros + 17_500_000);
  });

  it('lists charges and refunds them, never beyond the charge', async () => {
    const db = asBillingDb(t.platform.db);
    const meter = {
      allocationId: newId(),
      projectId,
      currency: 'USD',
      priceMicrosPerGpuHour: 2_500_000n,
      gpuCount: 2,
      intervalSeconds: 60,
      runningSince: '2026-12-07T10:00:00.000Z',
    };
    await startGpuMeter(db, meter);
    await settleGpuInterval(db, meter, { index: 0, runningSeconds: 60, final: true });

    const { items } = json<{ items: Record<string, unknown>[] }>(
      await gpuaas(['billing', 'charges', '--project', 'bill-demo', '--output', 'json']),
    );
    const charge = items.find((c) => c.allocation_id === meter.allocationId);
    expect(charge).toMatchObject({
      kind: 'gpu_time',
      amount_micros: 83_333,
      period_start: '2026-12-07T10:00:00.000Z',
      period_end: '2026-12-07T10:01:00.000Z',
    });
    const chargeId = String(charge?.id);
    const table = await gpuaas(['billing', 'charges', '--project', 'bill-demo']);
    expect(table.stdout).toContain(chargeId);
    expect(table.stdout).toContain('0.083333');

    const refund = json<{ corrects_id: string; amount_micros: number }>(
      await gpuaas(
        ['billing', 'refund', chargeId, '--amount', '0.08', '--reason', 'outage', '--output', 'json'],
        operatorToken,
      ),
    );
    expect(refund).toEqual(expect.objectContaining({ corrects_id: chargeId, amount_micros: 80_000 }));
    const over = await gpuaas(
      ['billing', 'refund', chargeId, '--amount', '0.01', '--reason', 'again'],
      operatorToken,
    );
    expect(over.code).not.toBe(0);
    expect(over.stderr).toContain('error[CORRECTION_EXCEEDS_ORIGINAL]');
    const rest = json<{ amount_micros: number }>(
      await gpuaas(['billing', 'refund', chargeId, '--reason', 'the rest', '--json'], operatorToken),
    );
    expect(rest.amount_micros).toBe(3_333);
  });

  it('needs a second operator for a refund above the threshold', async () => {
    const ops = operatorToken;
    const second = (await t.login('billing-ops-2@example.com', { operator: true })).token;
    json(await gpuaas(['billing', 'topup', 'bill-demo', '5', '--reason', 'funds', '--json'], ops));
    // 60 s of one GPU at 120.00 per GPU-hour: a charge of 2.00.
    const meter = {
      allocationId: newId(),
      projectId,
      currency: 'USD',
      priceMicrosPerGpuHour: 120_000_000n,
      gpuCount: 1,
      intervalSeconds: 60,
      runningSince: '2026-12-07T11:00:00.000Z',
    };
    await startGpuMeter(asBillingDb(t.platform.db), meter);
    await settleGpuInterval(asBillingDb(t.platform.db), meter, { index: 0, runningSeconds: 60, final: true });
    const chargeId = `gpu:${meter.allocationId}:0`;

    const refused = await gpuaas(['billing', 'refund', chargeId, '--reason', 'outage'], ops);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('error[REFUND_APPROVAL_REQUIRED]');
    const request = json<{ id: string; amount_micros: number }>(
      await gpuaas(['billing', 'refund', chargeId, '--request', '--reason', 'outage', '--json'], ops),
    );
    expect(request.amount_micros).toBe(2_000_000);
    const own = await gpuaas(['billing', 'approve', request.id], ops);
    expect(own.stderr).toContain('error[FORBIDDEN]');
    const refund = json<{ corrects_id: string; amount_micros: number }>(
      await gpuaas(['billing', 'approve', request.id, '--output', 'json'], second),
    );
    expect(refund).toMatchObject({ corrects_id: chargeId, amount_micros: 2_000_000 });
  });

  it("prints a month's statement as JSON and CSV, and closes it (operators only) for good", async () => {
    const created = await t.request('/v1/projects', {
      method: 'POST',
      token: ownerToken,
      json: { name: 'bill-stmt' },
    });
    const stmtProject = ((await created.json()) as { id: string }).id;
    const now = new Date();
    const lastMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1))
      .toISOString()
      .slice(0, 7);
    await topUp(asBillingDb(t.platform.db), {
      id: `cli-stmt-${stmtProject}`,
      projectId: stmtProject,
      currency: 'USD',
      amount: 7_500_000n,
      reason: 'invoice 9',
      at: `${lastMonth}-02T09:00:00.000Z`,
    });
    const args = ['billing', 'statement', '--project', 'bill-stmt', '--period', lastMonth];
    const open = json<{ status: string; closing_balance_micros: number; lines: { transfer_id: string }[] }>(
      await gpuaas([...args, '--output', 'json']),
    );
    expect(open).toMatchObject({
      status: 'open',
      closing_balance_micros: 7_500_000,
      lines: [{ transfer_id: `cli-stmt-${stmtProject}` }],
    });
    const csv = await gpuaas([...args, '--format', 'csv']);
    expect(csv.code, csv.stderr).toBe(0);
    expect(csv.stdout.split('\r\n')[0]).toMatch(/^project_id,period,row,kind,category,transfer_id,/);
    expect(csv.stdout).toContain(`,closing_balance,,,,,,,,,7500000,7.50,`);
    const table = await gpuaas(args);
    expect(table.stdout).toMatch(/closing_balance\s+7\.50/);

    const refused = await gpuaas(['billing', 'close', lastMonth, '--project', 'bill-stmt']);
    expect(refused.stderr).toContain('error[FORBIDDEN]');
    const badPeriod = await gpuaas(['billing', 'statement', '--project', 'bill-stmt', '--period', '2026-1']);
    expect(badPeriod.code).not.toBe(0);
    expect(badPeriod.stderr).toContain('--period must be a month');
    const closed = await gpuaas(
      ['billing', 'close', lastMonth, '--project', 'bill-stmt', '--output', 'json'],
      operatorToken,
    );
    expect(json<{ status: string; seq: number }>(closed)).toMatchObject({ status: 'closed', seq: 1 });
    const again = json<{ status: string }>(await gpuaas([...args, '--output', 'json']));
    expect(again).toEqual(JSON.parse(closed.stdout));
  });

  it('prints and closes a publisher statement with --publisher', async () => {
    const created = await t.request('/v1/projects', {
      method: 'POST',
      token: ownerToken,
      json: { name: 'bill-pub' },
    });
    const publisherProject = ((await created.json()) as { id: string }).id;
    const now = new Date();
    const lastMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1))
      .toISOString()
      .slice(0, 7);
    // A publisher's share of app usage, as the usage rater posts it (on opened accounts).
    const ledger = asBillingDb(t.platform.db);
    await openAccounts(ledger, [
      ACCOUNTS.projectPrepaid(projectId, 'USD'),
      ACCOUNTS.publisherPayable(publisherProject, 'USD'),
    ]);
    await createTransfer(ledger, {
      id: `cli-pub-${publisherProject}`,
      debitAccountId: ACCOUNTS.projectPrepaid(projectId, 'USD').id,
      creditAccountId: ACCOUNTS.publisherPayable(publisherProject, 'USD').id,
      amount: 1_250_000n,
      category: 'app_usage',
      periodStart: `${lastMonth}-03T10:00:00.000Z`,
      periodEnd: `${lastMonth}-03T10:05:00.000Z`,
      allowOverdraft: true,
      at: `${lastMonth}-03T10:05:00.000Z`,
    });
    const args = ['billing', 'statement', '--publisher', '--project', 'bill-pub', '--period', lastMonth];
    const doc = json<{
      account: string;
      status: string;
      totals: { earnings_micros: number };
      lines: unknown[];
    }>(await gpuaas([...args, '--output', 'json']));
    expect(doc).toMatchObject({
      account: 'publisher',
      status: 'open',
      totals: { earnings_micros: 1_250_000 },
      lines: [{ kind: 'earning', transfer_id: `cli-pub-${publisherProject}` }],
    });
    const csv = await gpuaas([...args, '--format', 'csv']);
    expect(csv.code, csv.stderr).toBe(0);
    expect(csv.stdout).toContain(',total_earnings,,,,,,,,,1250000,1.25,');
    const closed = await gpuaas(
      ['billing', 'close', lastMonth, '--publisher', '--project', 'bill-pub', '--output', 'json'],
      operatorToken,
    );
    expect(json<{ account: string; status: string; seq: number }>(closed)).toMatchObject({
      account: 'publisher',
      status: 'closed',
      seq: 1,
    });
    // The owner's project statement is another book: its chain is untouched.
    const project = json<{ status: string }>(
      await gpuaas([
        'billing',
        'statement',
        '--project',
        'bill-pub',
        '--period',
        lastMonth,
        '--output',
        'json',
      ]),
    );
    expect(project.status).toBe('open');
  });

  it('shows the budget, and lets the owner set one with alert thresholds', async () => {
    const none = json<{ limit_micros: number | null }>(
      await gpuaas(['billing', 'budget', '--project', 'bill-demo', '--output', 'json']),
    );
    expect(none.limit_micros).toBeNull();
    const set = json<{ limit_micros: number; alert_thresholds: number[] }>(
      await gpuaas([
        'billing',
        'budget',
        'set',
        '--project',
        'bill-demo',
        '--limit',
        '500',
        '--alerts',
        '80,50,100',
        '--output',
        'json',
      ]),
    );
    expect(set).toMatchObject({ limit_micros: 500_000_000, alert_thresholds: [50, 80, 100] });
    const table = await gpuaas(['billing', 'budget', '--project', 'bill-demo']);
    expect(table.stdout).toMatch(/limit\s+500\.00 USD\/month/);
    expect(table.stdout).toMatch(/alerts\s+50%, 80%, 100%/);
    const bad = await gpuaas([
      'billing',
      'budget',
      'set',
      '--project',
      'bill-demo',
      '--limit',
      '5',
      '--alerts',
      '50,x',
    ]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--alerts takes whole percentages');
  });

  it('warns on stderr when available funds cannot pay the next interval of running allocations', async () => {
    const quiet = await gpuaas(['billing', 'balance', '--project', 'bill-demo']);
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stdout).toMatch(/available\s+\d+\.\d{2}/);
    expect(quiet.stderr).toBe('');

    // Hold all but 1.00 of the balance for one interval of one GPU: the next one is not covered.
    const { available_micros } = await balance();
    await startGpuMeter(asBillingDb(t.platform.db), {
      allocationId: newId(),
      projectId,
      currency: 'USD',
      priceMicrosPerGpuHour: BigInt(available_micros - 1_000_000) * 60n,
      gpuCount: 1,
      intervalSeconds: 60,
      runningSince: new Date().toISOString(),
    });
    const low = await balance();
    expect(low.available_micros).toBe(1_000_000);
    expect(low.holds_micros).toBeGreaterThan(low.available_micros);
    const warned = await gpuaas(['billing', 'balance', '--project', 'bill-demo', '--output', 'json']);
    expect(warned.code).toBe(0);
    expect(warned.stderr).toMatch(/^warning: available funds do not cover the next interval/);
  });
});
