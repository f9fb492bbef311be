/**
 * Automatic close of statements on SQLite and PostgreSQL, under a clock the test sets: a month
 * closes (as `system`) only once it is over plus the late window, months close oldest first with
 * empty ones included, a second pass changes nothing, and two passes racing close each month once.
 */
import { testDialects } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billingStatementsMigration } from '../db/migrations/0009_billing_statements.js';
import { ACCOUNTS, openAccounts } from './accounts.js';
import { createTransfer } from './ledger.js';
import { topUp } from './operations.js';
import { closeDueStatements } from './statement-autoclose.js';
import { verifyStatementChain } from './statements.js';
import type { StatementDb } from './statements.js';
import { openBillingTestDb } from './testing.js';
import type { BillingTestDb } from './testing.js';

const dialects = await testDialects('billing statement auto-close');
const WINDOW_DAYS = 35;
const DAY_MS = 86_400_000;
/** The instant October 2026 (and its late window) is over. */
const OCTOBER_DUE = Date.parse('2026-11-01T00:00:00.000Z') + WINDOW_DAYS * DAY_MS;

let sequence = 0;

describe.each(dialects)('automatic statement close on %s', (dialect) => {
  let handle: BillingTestDb;
  let db: StatementDb;

  beforeAll(async () => {
    handle = await openBillingTestDb(dialect);
    await billingStatementsMigration.up(handle.db);
    db = handle.db as unknown as StatementDb;
  });
  afterAll(async () => {
    await handle?.close();
  });

  /** A project topped up in September 2026 and charged for October usage (nothing in November). */
  const project = async () => {
    const projectId = `auto${++sequence}`;
    await topUp(handle.db, {
      id: `${projectId}:topup`,
      projectId,
      currency: 'USD',
      amount: 10_000_000n,
      reason: 'invoice',
      at: '2026-09-20T00:00:00.000Z',
    });
    const prepaid = ACCOUNTS.projectPrepaid(projectId, 'USD');
    const revenue = ACCOUNTS.platformRevenue('USD');
    await openAccounts(handle.db, [prepaid, revenue]);
    await createTransfer(handle.db, {
      id: `${projectId}:charge`,
      debitAccountId: prepaid.id,
      creditAccountId: revenue.id,
      amount: 1_000_000n,
      category: 'gpu_time',
      periodStart: '2026-10-31T23:59:00.000Z',
      periodEnd: '2026-11-01T00:00:00.000Z',
      at: '2026-11-01T00:00:10.000Z',
      allowOverdraft: true,
    });
    return projectId;
  };
  const stored = (projectId: string) =>
    db
      .selectFrom('billing_statements')
      .select(['period', 'seq', 'closed_by', 'closed_at'])
      .where('project_id', '=', projectId)
      .orderBy('seq')
      .execute();
  const ofProject = (projectId: string, keys: { projectId: string; period: string }[]) =>
    keys.filter((k) => k.projectId === projectId).map((k) => k.period);

  it('closes each month once it is over plus the late window, oldest first, as system', async () => {
    const projectId = await project();
    const early = await closeDueStatements(db, OCTOBER_DUE - 1, WINDOW_DAYS);
    expect(early.failures).toEqual([]);
    // September is long due; October's charge may still come late, so October stays open.
    expect(ofProject(projectId, early.closed)).toEqual(['2026-09']);

    const due = await closeDueStatements(db, OCTOBER_DUE, WINDOW_DAYS);
    expect(ofProject(projectId, due.closed)).toEqual(['2026-10']);
    expect(await stored(projectId)).toEqual([
      { period: '2026-09', seq: 1, closed_by: 'system', closed_at: new Date(OCTOBER_DUE - 1).toISOString() },
      { period: '2026-10', seq: 2, closed_by: 'system', closed_at: new Date(OCTOBER_DUE).toISOString() },
    ]);

    // A later pass closes the empty November too (no gap in the chain) and nothing twice.
    const later = OCTOBER_DUE + 40 * DAY_MS;
    expect(ofProject(projectId, (await closeDueStatements(db, later, WINDOW_DAYS)).closed)).toEqual([
      '2026-11',
    ]);
    expect(ofProject(projectId, (await closeDueStatements(db, later, WINDOW_DAYS)).closed)).toEqual([]);
    await expect(verifyStatementChain(db, { projectId, currency: 'USD' })).resolves.toEqual([]);
  });

  it('closes each month once when two passes race', async () => {
    const projectId = await project();
    const later = OCTOBER_DUE + 40 * DAY_MS;
    const [a, b] = await Promise.all([
      closeDueStatements(db, later, WINDOW_DAYS),
      closeDueStatements(db, later, WINDOW_DAYS),
    ]);
    // A pass that lost a race on one month stops for that project; the next pass goes on.
    const again = await closeDueStatements(db, later, WINDOW_DAYS);
    const created = [a, b, again].flatMap((pass) => ofProject(projectId, pass.closed)).sort();
    expect(created).toEqual(['2026-09', '2026-10', '2026-11']);
    expect((await stored(projectId)).map((s) => [s.period, s.seq])).toEqual([
      ['2026-09', 1],
      ['2026-10', 2],
      ['2026-11', 3],
    ]);
    await expect(verifyStatementChain(db, { projectId, currency: 'USD' })).resolves.toEqual([]);
  });
});
