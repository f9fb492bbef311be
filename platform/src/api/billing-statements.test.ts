/**
 * Statements over HTTP: JSON and CSV for viewers, closing by operators only, a closed statement
 * served byte-for-byte with its SHA-256, and the audit record of the close. The month's money is
 * written with the billing library directly, dated in a month that is over.
 */
import { createHash } from 'node:crypto';
import { testDialects } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asBillingDb } from '../billing/db.js';
import { topUp } from '../billing/operations.js';
import { startTestPlatform } from '../testing/harness.js';
import type { TestPlatform } from '../testing/harness.js';

const dialects = await testDialects('platform billing statements API');

interface StatementBody {
  project_id: string;
  period: string;
  status: string;
  seq: number | null;
  previous_sha256: string | null;
  opening_balance_micros: number;
  closing_balance_micros: number;
  lines: { kind: string; transfer_id: string; amount_micros: number; adjusts_period: string | null }[];
}

describe.each(dialects)('billing statements API on %s', (dialect) => {
  let t: TestPlatform;
  let operator: string;
  let owner: string;
  let viewer: string;
  let stranger: string;
  let projectId: string;
  const lastMonth = (() => {
    const now = new Date();
    return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
  })();
  const thisMonth = new Date().toISOString().slice(0, 7);

  const statementPath = (period: string, project = projectId) =>
    `/v1/billing/statements/${project}/${period}`;
  const close = (token: string, period: string, key: string) =>
    t.request(`${statementPath(period)}/close`, {
      method: 'POST',
      token,
      headers: { 'idempotency-key': key },
    });
  const codeOf = async (res: Response) => ({
    status: res.status,
    code: ((await res.json()) as { code?: string }).code,
  });
  const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

  beforeAll(async () => {
    t = await startTestPlatform(dialect, {
      rateLimit: { enabled: false },
      billing: { raterIntervalMs: 600_000 },
    });
    operator = (await t.login('stmt-operator@example.com', { operator: true })).token;
    owner = (await t.login('stmt-owner@example.com')).token;
    viewer = (await t.login('stmt-viewer@example.com')).token;
    stranger = (await t.login('stmt-stranger@example.com')).token;
    const created = await t.request('/v1/projects', {
      method: 'POST',
      token: owner,
      json: { name: 'stmt-api' },
    });
    projectId = ((await created.json()) as { id: string }).id;
    const added = await t.request(`/v1/projects/${projectId}/members`, {
      method: 'POST',
      token: owner,
      json: { email: 'stmt-viewer@example.com', role: 'viewer' },
    });
    expect(added.status).toBe(201);
    await topUp(asBillingDb(t.platform.db), {
      id: `stmt-topup-${projectId}`,
      projectId,
      currency: 'USD',
      amount: 40_000_000n,
      reason: 'invoice 12',
      at: `${lastMonth}-03T10:00:00.000Z`,
    });
  });
  afterAll(() => t?.close());

  it('shows an open statement to viewers as JSON and CSV, and hides it from others', async () => {
    const res = await t.request(statementPath(lastMonth), { token: viewer });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const text = await res.text();
    expect(res.headers.get('x-statement-sha256')).toBe(sha256(text));
    const body = JSON.parse(text) as StatementBody;
    expect(body).toMatchObject({
      project_id: projectId,
      period: lastMonth,
      status: 'open',
      seq: null,
      opening_balance_micros: 0,
      closing_balance_micros: 40_000_000,
      lines: [{ kind: 'topup', transfer_id: `stmt-topup-${projectId}`, amount_micros: 40_000_000 }],
    });

    for (const ask of [{ query: '?format=csv' }, { headers: { accept: 'text/csv' } }]) {
      const csv = await t.request(`${statementPath(lastMonth)}${ask.query ?? ''}`, {
        token: viewer,
        ...(ask.headers === undefined ? {} : { headers: ask.headers }),
      });
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
      const rows = (await csv.text()).trimEnd().split('\r\n');
      expect(rows[0]).toMatch(/^project_id,period,row,kind,/);
      expect(rows.some((row) => row.includes(`,topup,topup,stmt-topup-${projectId},`))).toBe(true);
    }

    expect(await codeOf(await t.request(statementPath(lastMonth), { token: stranger }))).toEqual({
      status: 404,
      code: 'NOT_FOUND',
    });
    expect(await codeOf(await t.request(statementPath('2026-13'), { token: viewer }))).toEqual({
      status: 400,
      code: 'STATEMENT_PERIOD_INVALID',
    });
  });

  it('lets operators only close a month that is over; the closed statement never changes', async () => {
    expect(await codeOf(await close(owner, lastMonth, 'owner-close'))).toEqual({
      status: 403,
      code: 'FORBIDDEN',
    });
    expect(await codeOf(await close(operator, thisMonth, 'too-soon'))).toEqual({
      status: 409,
      code: 'STATEMENT_PERIOD_OPEN',
    });

    const closed = await close(operator, lastMonth, 'close-first');
    expect(closed.status).toBe(201);
    const stored = await closed.text();
    expect(closed.headers.get('x-statement-sha256')).toBe(sha256(stored));
    expect(JSON.parse(stored)).toMatchObject({ status: 'closed', seq: 1, previous_sha256: null });

    // Money dated into the closed month later is not on it.
    await topUp(asBillingDb(t.platform.db), {
      id: `stmt-late-${projectId}`,
      projectId,
      currency: 'USD',
      amount: 1_000_000n,
      reason: 'late',
      at: `${lastMonth}-20T10:00:00.000Z`,
    });
    const served = await t.request(statementPath(lastMonth), { token: viewer });
    expect(await served.text()).toBe(stored);
    const again = await close(operator, lastMonth, 'close-second');
    expect(again.status).toBe(200);
    expect(await again.text()).toBe(stored);

    const open = (await (
      await t.request(statementPath(thisMonth), { token: viewer })
    ).json()) as StatementBody;
    expect(open.previous_sha256).toBe(sha256(stored));
    expect(open.opening_balance_micros).toBe(40_000_000);
    expect(open.lines.find((l) => l.transfer_id === `stmt-late-${projectId}`)).toMatchObject({
      kind: 'topup',
      amount_micros: 1_000_000,
      adjusts_period: lastMonth,
    });

    const audit = await t.platform.db
      .selectFrom('audit_events')
      .select(['target_id', 'project_id', 'result', 'details'])
      .where('action', '=', 'billing.statement_close')
      .execute();
    const successes = audit.filter((a) => a.result === 'success');
    expect(successes).toHaveLength(2);
    expect(successes.every((a) => a.target_id === projectId && a.project_id === projectId)).toBe(true);
    expect(successes.some((a) => a.details?.includes(sha256(stored)))).toBe(true);
  });
});
