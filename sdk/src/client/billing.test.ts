import { startHttpServer } from '@gpuaas/test-support';
import type { TestHttpServer } from '@gpuaas/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import type { BillingBalance } from './billing.js';
import { currentPeriod, formatMicros, lowFundsWarning } from './billing.js';
import { createClient } from './resources.js';

const PROJECT = '0190a5b1-0000-7000-8000-000000000001';
const servers: TestHttpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

interface Seen {
  method: string;
  url: string;
  key: string | undefined;
  body: unknown;
}

/** A platform that answers the billing endpoints from fixed documents and records each request. */
async function fakePlatform(): Promise<{ baseUrl: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const charge = (id: string) => ({
    id,
    kind: 'gpu_time',
    project_id: PROJECT,
    currency: 'USD',
    allocation_id: 'a1',
    amount_micros: 83_333,
    refunded_micros: 0,
    period_start: null,
    period_end: null,
    transfer_ids: [id],
    created_at: '2026-12-07T10:00:00.000Z',
  });
  const transfer = { id: 't1', kind: 'single', category: 'topup', amount_micros: 12_500_000 };
  const server = await startHttpServer((req, res) => {
    const text = req.body.toString('utf8');
    const { url } = req;
    seen.push({
      method: req.method,
      url: url.pathname + url.search,
      key: req.headers['idempotency-key'] as string | undefined,
      body: text === '' ? undefined : (JSON.parse(text) as unknown),
    });
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/v1/billing/balance') {
      json(200, { currency: 'USD', balance_micros: 5, available_micros: 3, holds_micros: 2 });
    } else if (url.pathname === '/v1/billing/budgets') {
      json(200, { items: [{ project_id: PROJECT, limit_micros: 4_000_000, spent_percent: '50.00' }] });
    } else if (url.pathname === '/v1/billing/earnings') {
      json(200, { project_id: url.searchParams.get('project_id'), period: url.searchParams.get('period') });
    } else if (url.pathname.startsWith('/v1/billing/budgets/')) {
      json(200, { limit_micros: 10_000_000, alert_thresholds: [50, 80, 100] });
    } else if (url.pathname.startsWith('/v1/billing/statements/')) {
      if (url.searchParams.get('format') === 'csv') {
        res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8' });
        res.end('project_id,period\r\n');
      } else {
        json(req.method === 'POST' ? 201 : 200, { period: url.pathname.split('/')[5], lines: [] });
      }
    } else if (url.pathname === '/v1/billing/charges') {
      const second = url.searchParams.get('cursor') === 'page2';
      json(200, { items: [charge(second ? 'gpu:a1:1' : 'gpu:a1:0')], next_cursor: second ? null : 'page2' });
    } else {
      json(201, transfer);
    }
  });
  servers.push(server);
  return { baseUrl: server.url, seen };
}

describe('client.billing', () => {
  it('reads the balance and every page of charges', async () => {
    const { baseUrl, seen } = await fakePlatform();
    const client = createClient({ baseUrl, token: 't' });
    expect(await client.billing.balance(PROJECT)).toEqual({
      currency: 'USD',
      balance_micros: 5,
      available_micros: 3,
      holds_micros: 2,
    });
    const ids: string[] = [];
    for await (const c of client.billing.charges({ project: PROJECT, allocation: 'a1' })) ids.push(c.id);
    expect(ids).toEqual(['gpu:a1:0', 'gpu:a1:1']);
    expect(seen.map((s) => s.url)).toEqual([
      `/v1/billing/balance?project_id=${PROJECT}`,
      `/v1/billing/charges?limit=100&project_id=${PROJECT}&allocation_id=a1`,
      `/v1/billing/charges?limit=100&project_id=${PROJECT}&allocation_id=a1&cursor=page2`,
    ]);
  });

  it('sends top-ups, refunds and credit as decimal text with an idempotency key', async () => {
    const { baseUrl, seen } = await fakePlatform();
    const client = createClient({ baseUrl, token: 't' });
    expect(
      await client.billing.topup({
        project: PROJECT,
        amount: '12.50',
        reason: 'paid',
        idempotencyKey: 'key-00001',
      }),
    ).toMatchObject({ id: 't1', amount_micros: 12_500_000 });
    await client.billing.refund({ chargeId: 'gpu:a1:0', reason: 'outage' });
    await client.billing.requestRefund({ chargeId: 'gpu:a1:0', amount: '2', reason: 'big' });
    await client.billing.approveRefund('r1');
    await client.billing.credit({
      project: PROJECT,
      amount: '5',
      expiresAt: new Date('2030-01-01T00:00:00Z'),
      reason: 'offer',
    });
    expect(seen.map(({ method, url, body }) => [method, url, body])).toEqual([
      ['POST', '/v1/billing/topups', { project_id: PROJECT, amount: '12.50', reason: 'paid' }],
      ['POST', '/v1/billing/refunds', { charge_id: 'gpu:a1:0', reason: 'outage' }],
      ['POST', '/v1/billing/refund-requests', { charge_id: 'gpu:a1:0', reason: 'big', amount: '2' }],
      ['POST', '/v1/billing/refund-requests/r1/approve', undefined],
      [
        'POST',
        '/v1/billing/promotions',
        { project_id: PROJECT, amount: '5', expires_at: '2030-01-01T00:00:00.000Z', reason: 'offer' },
      ],
    ]);
    expect(seen[0]?.key).toBe('key-00001');
    expect(seen[1]?.key).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('client.billing statements', () => {
  it('reads a month as JSON or CSV, this month by default, and closes one with an idempotency key', async () => {
    const { baseUrl, seen } = await fakePlatform();
    const client = createClient({ baseUrl, token: 't' });
    expect(await client.billing.statement(PROJECT, '2026-11')).toEqual({ period: '2026-11', lines: [] });
    expect(await client.billing.statementCsv(PROJECT, '2026-11')).toBe('project_id,period\r\n');
    expect(await client.billing.statement(PROJECT)).toMatchObject({ period: currentPeriod() });
    await client.billing.closeStatement(PROJECT, '2026-11');
    expect(seen.map(({ method, url }) => [method, url])).toEqual([
      ['GET', `/v1/billing/statements/${PROJECT}/2026-11`],
      ['GET', `/v1/billing/statements/${PROJECT}/2026-11?format=csv`],
      ['GET', `/v1/billing/statements/${PROJECT}/${currentPeriod()}`],
      ['POST', `/v1/billing/statements/${PROJECT}/2026-11/close`],
    ]);
    expect(seen[3]?.key).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('reads and closes a publisher statement with account=publisher', async () => {
    const { baseUrl, seen } = await fakePlatform();
    const client = createClient({ baseUrl, token: 't' });
    expect(await client.billing.publisherStatement(PROJECT, '2026-11')).toMatchObject({ period: '2026-11' });
    expect(await client.billing.publisherStatementCsv(PROJECT, '2026-11')).toBe('project_id,period\r\n');
    await client.billing.closePublisherStatement(PROJECT, '2026-11');
    expect(seen.map(({ method, url }) => [method, url])).toEqual([
      ['GET', `/v1/billing/statements/${PROJECT}/2026-11?account=publisher`],
      ['GET', `/v1/billing/statements/${PROJECT}/2026-11?format=csv&account=publisher`],
      ['POST', `/v1/billing/statements/${PROJECT}/2026-11/close?account=publisher`],
    ]);
  });

  it('reads a budget and sets one with PUT', async () => {
    const { baseUrl, seen } = await fakePlatform();
    const client = createClient({ baseUrl, token: 't' });
    expect(await client.billing.budget(PROJECT)).toMatchObject({ limit_micros: 10_000_000 });
    await client.billing.setBudget({ project: PROJECT, limit: '10.00', alertThresholds: [50, 80, 100] });
    expect(seen.map(({ method, url, body }) => [method, url, body])).toEqual([
      ['GET', `/v1/billing/budgets/${PROJECT}`, undefined],
      ['PUT', `/v1/billing/budgets/${PROJECT}`, { limit: '10.00', alert_thresholds: [50, 80, 100] }],
    ]);
  });

  it("reads a publisher's earnings (this month by default) and every budget", async () => {
    const { baseUrl, seen } = await fakePlatform();
    const client = createClient({ baseUrl, token: 't' });
    expect(await client.billing.earnings(PROJECT)).toMatchObject({ period: currentPeriod() });
    expect(await client.billing.earnings(PROJECT, '2026-11')).toMatchObject({ period: '2026-11' });
    expect(await client.billing.budgets()).toEqual([
      { project_id: PROJECT, limit_micros: 4_000_000, spent_percent: '50.00' },
    ]);
    expect(seen.map(({ method, url }) => [method, url])).toEqual([
      ['GET', `/v1/billing/earnings?project_id=${PROJECT}&period=${currentPeriod()}`],
      ['GET', `/v1/billing/earnings?project_id=${PROJECT}&period=2026-11`],
      ['GET', '/v1/billing/budgets'],
    ]);
  });

  it('names the month in UTC', () => {
    expect(currentPeriod(new Date('2026-12-31T23:59:59Z'))).toBe('2026-12');
    expect(currentPeriod(new Date('2027-01-01T00:00:00Z'))).toBe('2027-01');
  });
});

describe('lowFundsWarning', () => {
  const balance = (
    available: number,
    holds: number,
    runningInterval = holds,
    exhausted: BillingBalance['funds_exhausted'] = null,
  ): BillingBalance => ({
    project_id: PROJECT,
    currency: 'USD',
    balance_micros: available + holds,
    available_micros: available,
    holds_micros: holds,
    prepaid_micros: available + holds,
    promotional_micros: 0,
    running_interval_micros: runningInterval,
    funds_exhausted: exhausted,
  });
  const exhausted = { since: '2026-12-07T10:00:00.000Z', release_after: '2026-12-07T10:00:30.000Z' };
  it.each([
    ['funds for more than the next interval', balance(200, 100), undefined],
    ['less than the next interval of running allocations', balance(99, 100), /next interval/],
    ['the next hold was not placed yet, less than one interval', balance(99, 0, 100), /next interval/],
    ['funds exhausted: release time named', balance(50, 0, 100, exhausted), /10:00:30.000Z/],
    ['nothing running, nothing available', balance(0, 0), /no funds available/],
    ['nothing running, in debt', balance(-5, 0), /no funds available/],
    ['nothing running, some funds', balance(1, 0), undefined],
  ] as const)('%s', (_name, given, want) => {
    const warning = lowFundsWarning(given);
    if (want === undefined) expect(warning).toBeUndefined();
    else expect(warning).toMatch(want);
  });
});

describe('formatMicros', () => {
  it.each([
    [12_500_000, '12.50'],
    [0, '0.00'],
    [1, '0.000001'],
    [83_333, '0.083333'],
    [-2_000_000, '-2.00'],
  ])('%d → %s', (micros, text) => expect(formatMicros(micros)).toBe(text));
});
