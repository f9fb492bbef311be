/**
 * Publisher statements (`GET /v1/billing/statements/{project}/{period}?account=publisher`): the
 * statement of a publisher project's earnings account, from the same machinery as the project
 * statements — totals equal to the earnings report, CSV equal to the JSON, each line traced to
 * its transfer and through it to the launch, allocation and usage events; closed statements are
 * stored byte-for-byte and chained, and later usage lands as a dated adjustment.
 */
import { testDialects } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asStatementDb, verifyStatementChain } from '../billing/statements.js';
import { isoTime } from '../ids.js';
import { startAppUsageFixture } from './app-usage.test.util.js';
import type { AppUsageFixture } from './app-usage.test.util.js';
import type { TestPlatform } from '../testing/harness.js';

const dialects = await testDialects('platform publisher statements');

interface EarningsBody {
  opening_balance_micros: number;
  closing_balance_micros: number;
  totals: { earned_micros: number; refunds_micros: number; net_micros: number };
  lines: { transfer_id: string; amount_micros: number }[];
}
interface StatementBody {
  account?: string;
  status: string;
  seq: number | null;
  previous_sha256: string | null;
  opening_balance_micros: number;
  closing_balance_micros: number;
  totals: { earnings_micros?: number; refunds_micros: number; net_micros: number };
  lines: {
    transfer_id: string;
    kind: string;
    category: string;
    amount_micros: number;
    allocation_id: string | null;
    adjusts_period: string | null;
  }[];
}

const HOURLY = 1_000_000n;
const FEE_BPS = 1500n;

/** `YYYY-MM` of a time. */
const monthOf = (ms: number) => new Date(ms).toISOString().slice(0, 7);

describe.each(dialects)('publisher statements on %s', (dialect) => {
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
  const earnings = async (period: string) =>
    (await (
      await t.request(`/v1/billing/earnings?project_id=${publisherProjectId}&period=${period}`, {
        token: publisher,
      })
    ).json()) as EarningsBody;
  const statementPath = (period: string, suffix = '') =>
    `/v1/billing/statements/${publisherProjectId}/${period}${suffix}?account=publisher`;
  const statement = async (period: string, token = publisher) => {
    const res = await t.request(statementPath(period), { token });
    expect(res.status, await res.clone().text()).toBe(200);
    return { body: await res.text(), sha256: res.headers.get('x-statement-sha256') };
  };
  const close = (period: string, attempt = 1) =>
    t.request(statementPath(period, '/close'), {
      method: 'POST',
      token: operator,
      headers: { 'idempotency-key': `close-publisher-${period}-${attempt}` },
    });

  beforeAll(async () => {
    fx = await startAppUsageFixture(dialect, { feeBps: FEE_BPS });
    ({ t, operator, owner, publisher, projectId, publisherProjectId } = fx);
  });
  afterAll(() => t?.close());

  it('matches the earnings report, in JSON and CSV, each line traced to its launch and events', async () => {
    const thisMonth = Date.parse(`${monthOf(Date.now())}-01T00:00:00Z`);
    // An hour before this month: last month, within the late window of any day of this one.
    const lastMonthEnd = thisMonth - 3_600_000;
    const last = monthOf(lastMonthEnd);
    const beforeLast = monthOf(Date.parse(`${last}-01T00:00:00Z`) - 1);
    const allocationId = await allocate();
    const launchId = await launch(allocationId, pricing(HOURLY), { at: isoTime(lastMonthEnd - 3_600_000) });
    const token = await runtimeToken(allocationId);
    const at = (ms: number) => ({ time: isoTime(ms) });
    await send(token, [
      event(allocationId, 'p-tok-1', 20_000, at(lastMonthEnd)),
      event(allocationId, 'p-ready-1', 1800, {
        meter: 'app_seconds',
        origin: 'runtime',
        ...at(lastMonthEnd),
      }),
    ]);
    await send(token, [event(allocationId, 'p-img-1', 2, { meter: 'images' })]);

    for (const period of [last, monthOf(Date.now())]) {
      const report = await earnings(period);
      const { body } = await statement(period);
      const doc = JSON.parse(body) as StatementBody;
      expect(doc.account).toBe('publisher');
      expect(doc.totals.earnings_micros).toBe(report.totals.earned_micros);
      expect(doc.totals.refunds_micros).toBe(report.totals.refunds_micros);
      expect(doc.totals.net_micros).toBe(report.totals.net_micros);
      expect([doc.opening_balance_micros, doc.closing_balance_micros]).toEqual([
        report.opening_balance_micros,
        report.closing_balance_micros,
      ]);
      expect(doc.lines.map((l) => [l.transfer_id, l.amount_micros])).toEqual(
        report.lines.map((l) => [l.transfer_id, l.amount_micros]),
      );
      expect(doc.lines.length).toBeGreaterThan(0);
      for (const line of doc.lines) {
        expect(line).toMatchObject({ kind: 'earning', category: 'app_usage', allocation_id: allocationId });
        // Through the transfer to the usage events it carried, and their launch.
        const rated = await t.platform.db
          .selectFrom('billing_rated_events')
          .select(['launch_id', 'event_id', 'transfer_ids'])
          .where('launch_id', '=', launchId)
          .execute();
        const carried = rated.filter((r) =>
          (JSON.parse(r.transfer_ids) as string[]).includes(line.transfer_id),
        );
        expect(carried.length).toBeGreaterThan(0);
      }

      // The CSV states the same lines and totals.
      const csv = await t.request(`${statementPath(period)}&format=csv`, { token: publisher });
      expect(csv.status).toBe(200);
      const rows = (await csv.text())
        .trimEnd()
        .split('\r\n')
        .map((r) => r.split(','));
      const header = rows[0] ?? [];
      const col = (name: string) => header.indexOf(name);
      const lineRows = rows.filter((r) => r[col('row')] === 'line');
      expect(lineRows.map((r) => [r[col('transfer_id')], Number(r[col('amount_micros')])])).toEqual(
        doc.lines.map((l) => [l.transfer_id, l.amount_micros]),
      );
      const total = (name: string) =>
        Number(rows.find((r) => r[col('row')] === name)?.[col('amount_micros')]);
      expect(total('total_earnings')).toBe(doc.totals.earnings_micros);
      expect(total('opening_balance')).toBe(doc.opening_balance_micros);
      expect(total('closing_balance')).toBe(doc.closing_balance_micros);
    }

    // The tenant is no member of the publisher project: its earnings are not theirs to read.
    expect((await t.request(statementPath(last), { token: owner })).status).toBe(404);

    // Closed in order, chained: the (empty) month before, then last month.
    const first = await close(beforeLast);
    expect(first.status, await first.clone().text()).toBe(201);
    const firstSha = first.headers.get('x-statement-sha256');
    const closed = await close(last);
    expect(closed.status, await closed.clone().text()).toBe(201);
    const closedDoc = (await closed.json()) as StatementBody;
    expect(closedDoc).toMatchObject({
      account: 'publisher',
      status: 'closed',
      seq: 2,
      previous_sha256: firstSha,
    });
    const stored = await statement(last);
    // The tenant's own statement of that month is another book: still open.
    const tenantStatement = (await (
      await t.request(`/v1/billing/statements/${projectId}/${last}`, { token: owner })
    ).json()) as StatementBody;
    expect(tenantStatement.status).toBe('open');

    // Usage of the closed month arriving later: the closed statement does not move; the
    // adjustment lands on this month's open publisher statement.
    await send(token, [event(allocationId, 'p-tok-late', 40_000, at(lastMonthEnd + 60_000))]);
    expect(await statement(last)).toEqual(stored);
    const open = JSON.parse((await statement(monthOf(Date.now()))).body) as StatementBody;
    expect(open.lines.some((l) => l.adjusts_period === last)).toBe(true);
    expect(open.opening_balance_micros).toBe(closedDoc.closing_balance_micros);
    // Closing again returns the stored statement; the chain verifies.
    // A new request (another key): the platform finds it closed and answers with what it stored.
    const again = await close(last, 2);
    expect(again.status).toBe(200);
    expect(await again.text()).toBe(stored.body);
    expect(
      await verifyStatementChain(asStatementDb(t.platform.db), {
        projectId: publisherProjectId,
        currency: 'USD',
        account: 'publisher',
      }),
    ).toEqual([]);
  });
});
