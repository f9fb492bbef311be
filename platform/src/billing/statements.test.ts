import { testDialects } from '@gpuaas/test-support';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billingStatementsMigration } from '../db/migrations/0009_billing_statements.js';
import { ACCOUNTS, openAccounts } from './accounts.js';
import { createTransfer } from './ledger.js';
import { refund, topUp } from './operations.js';
import { canonicalJson, centsHalfEven, sha256Hex } from './statement-document.js';
import { statementCsv } from './statement-csv.js';
import { closeStatement, getStatement, verifyStatementChain } from './statements.js';
import type { StatementDb } from './statements.js';
import { openBillingTestDb } from './testing.js';
import type { BillingTestDb } from './testing.js';
import { getBalance } from './accounts.js';

const dialects = await testDialects('billing statements');

let sequence = 0;
const newProject = () => `stmt${++sequence}`;
const rejectsWith = (promise: Promise<unknown>, code: string) =>
  expect(promise).rejects.toMatchObject({ name: 'BillingError', code });

describe('centsHalfEven', () => {
  it.each([
    [12_345_000n, '12.34'],
    [12_355_000n, '12.36'],
    [12_345_001n, '12.35'],
    [4_999n, '0.00'],
    [5_000n, '0.00'],
    [15_000n, '0.02'],
    [-12_355_000n, '-12.36'],
    [-4_000n, '0.00'],
    [0n, '0.00'],
  ])('%s micros → %s', (micros, cents) => expect(centsHalfEven(micros)).toBe(cents));
});

describe('canonicalJson', () => {
  it('sorts keys at every level and drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: [{ d: null, c: 'x' }] })).toBe('{"a":[{"c":"x","d":null}],"b":1}');
  });
});

describe.each(dialects)('billing statements on %s', (dialect) => {
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

  const key = (projectId: string, period: string) => ({ projectId, currency: 'USD', period });

  /** A GPU-time charge of `amount` for usage starting at `usageAt`, posted at `postedAt`. */
  const charge = async (
    projectId: string,
    id: string,
    amount: bigint,
    usageAt: string,
    postedAt = usageAt,
  ) => {
    const prepaid = ACCOUNTS.projectPrepaid(projectId, 'USD');
    const revenue = ACCOUNTS.platformRevenue('USD');
    await openAccounts(handle.db, [prepaid, revenue]);
    const end = new Date(new Date(usageAt).getTime() + 60_000).toISOString();
    const outcome = await createTransfer(handle.db, {
      id,
      debitAccountId: prepaid.id,
      creditAccountId: revenue.id,
      amount,
      category: 'gpu_time',
      allocationId: `alloc-${projectId}`,
      periodStart: usageAt,
      periodEnd: end,
      at: postedAt,
      allowOverdraft: true,
    });
    return outcome.transfer;
  };

  /** October: a top-up of 100.00 and two charges; November: a charge and a refund of October's. */
  const history = async () => {
    const project = newProject();
    await topUp(handle.db, {
      id: `${project}:topup`,
      projectId: project,
      currency: 'USD',
      amount: 100_000_000n,
      reason: 'invoice 7',
      at: '2026-10-01T08:00:00.000Z',
    });
    const first = await charge(project, `${project}:c1`, 1_234_567n, '2026-10-10T00:00:00.000Z');
    await charge(project, `${project}:c2`, 5_000n, '2026-10-31T23:59:00.000Z', '2026-11-01T00:00:30.000Z');
    await charge(project, `${project}:c3`, 2_000_000n, '2026-11-05T00:00:00.000Z');
    return { project, first };
  };

  it('lists every line with its traces, and balances chain month to month', async () => {
    const { project } = await history();
    const october = await getStatement(db, key(project, '2026-10'));
    expect(october.doc).toMatchObject({
      status: 'open',
      seq: null,
      previous_sha256: null,
      period_start: '2026-10-01T00:00:00.000Z',
      period_end: '2026-11-01T00:00:00.000Z',
      opening_balance_micros: 0,
      // A charge for October usage posted on 1 November is October's.
      closing_balance_micros: 100_000_000 - 1_234_567 - 5_000,
      totals: {
        charges_micros: 1_239_567,
        topups_micros: 100_000_000,
        refunds_micros: 0,
        net_micros: 98_760_433,
      },
      display: { charges: '1.24', closing_balance: '98.76', topups: '100.00' },
    });
    expect(october.doc.lines.map((l) => [l.kind, l.category, l.amount_micros, l.transfer_id])).toEqual([
      ['topup', 'topup', 100_000_000, `${project}:topup`],
      ['charge', 'gpu_time', -1_234_567, `${project}:c1`],
      ['charge', 'gpu_time', -5_000, `${project}:c2`],
    ]);
    expect(october.doc.lines[1]).toMatchObject({
      allocation_id: `alloc-${project}`,
      period_start: '2026-10-10T00:00:00.000Z',
      adjusts_period: null,
    });
    expect(october.sha256).toBe(sha256Hex(october.body));
    const november = await getStatement(db, key(project, '2026-11'));
    expect(november.doc.opening_balance_micros).toBe(october.doc.closing_balance_micros);
    expect(november.doc.closing_balance_micros).toBe(october.doc.closing_balance_micros - 2_000_000);
    const balance = await getBalance(handle.db, ACCOUNTS.projectPrepaid(project, 'USD').id);
    expect(BigInt(november.doc.closing_balance_micros)).toBe(balance.creditsPosted - balance.debitsPosted);
    const csv = statementCsv(october.doc).split('\r\n');
    expect(csv[0]).toBe(
      'project_id,period,row,kind,category,transfer_id,allocation_id,period_start,period_end,posted_at,adjusts_period,amount_micros,amount,transfer_ids',
    );
    expect(csv[1]).toBe(`${project},2026-10,opening_balance,,,,,,,,,0,0.00,`);
    expect(csv[3]).toContain(`,gpu_time,${project}:c1,alloc-${project},`);
    expect(csv[3]).toContain(',-1234567,-1.234567,');
    expect(csv.at(-2)).toBe(`${project},2026-10,closing_balance,,,,,,,,,98760433,98.76,`);
  });

  it('closes a month once, serves it byte-for-byte, and dates what comes later as an adjustment', async () => {
    const { project, first } = await history();
    await rejectsWith(
      closeStatement(db, {
        ...key(project, '2026-11'),
        closedBy: 'user:op',
        now: '2026-12-05T00:00:00.000Z',
      }),
      'STATEMENT_OUT_OF_ORDER',
    );
    await rejectsWith(
      closeStatement(db, {
        ...key(project, '2026-10'),
        closedBy: 'user:op',
        now: '2026-10-31T23:59:59.999Z',
      }),
      'STATEMENT_PERIOD_OPEN',
    );
    await rejectsWith(
      closeStatement(db, { ...key(project, '2026-13'), closedBy: 'user:op' }),
      'STATEMENT_PERIOD_INVALID',
    );
    const closed = await closeStatement(db, { ...key(project, '2026-10'), closedBy: 'user:op' });
    expect(closed.created).toBe(true);
    expect(closed.statement.doc).toMatchObject({ status: 'closed', seq: 1, previous_sha256: null });
    expect(JSON.parse(closed.statement.body)).toEqual(closed.statement.doc);

    // Rated into October after it closed; refunded in December.
    await charge(project, `${project}:late`, 7_000n, '2026-10-20T00:00:00.000Z', '2026-12-02T00:00:00.000Z');
    await refund(handle.db, {
      id: `${project}:refund`,
      chargeId: first.id,
      amount: 234_567n,
      reason: 'outage',
      at: '2026-12-03T00:00:00.000Z',
    });

    const again = await getStatement(db, key(project, '2026-10'));
    expect(again.body).toBe(closed.statement.body);
    expect(again.sha256).toBe(closed.statement.sha256);
    const retried = await closeStatement(db, { ...key(project, '2026-10'), closedBy: 'user:other' });
    expect(retried).toEqual({ statement: again, created: false });

    const december = await getStatement(db, key(project, '2026-12'));
    expect(december.doc.previous_sha256).toBe(closed.statement.sha256);
    expect(
      december.doc.lines.map((l) => [l.kind, l.amount_micros, l.adjusts_period, l.transfer_ids]),
    ).toEqual([
      ['charge', -7_000, '2026-10', [`${project}:late`]],
      ['refund', 234_567, '2026-10', [`${project}:refund`, first.id]],
    ]);
    const november = await getStatement(db, key(project, '2026-11'));
    expect(december.doc.opening_balance_micros).toBe(november.doc.closing_balance_micros);
    const csv = statementCsv(december.doc);
    expect(csv).toContain(`${project},2026-12,adjustment,charge,gpu_time,${project}:late`);
  });

  it('chains closed statements, and the check finds a stored statement altered', async () => {
    const { project } = await history();
    const october = await closeStatement(db, { ...key(project, '2026-10'), closedBy: 'user:op' });
    const november = await closeStatement(db, { ...key(project, '2026-11'), closedBy: 'user:op' });
    expect(november.statement.doc).toMatchObject({ seq: 2, previous_sha256: october.statement.sha256 });
    expect(november.statement.doc.opening_balance_micros).toBe(october.statement.doc.closing_balance_micros);
    await expect(verifyStatementChain(db, { projectId: project, currency: 'USD' })).resolves.toEqual([]);

    const forged = october.statement.body.replace('"amount_micros":-1234567', '"amount_micros":-1234');
    expect(forged).not.toBe(october.statement.body);
    const forge = () =>
      db
        .updateTable('billing_statements')
        .set({ body: forged })
        .where('project_id', '=', project)
        .where('period', '=', '2026-10')
        .execute();
    // The database refuses the edit; a forger who can drop the guard is caught by the chain.
    await expect(forge()).rejects.toThrow(/immutable/);
    await expect(
      db.deleteFrom('billing_statement_lines').where('project_id', '=', project).execute(),
    ).rejects.toThrow(/immutable/);
    if (dialect === 'postgres')
      await sql`drop trigger billing_statements_append_only on billing_statements`.execute(db);
    else {
      await sql`drop trigger billing_statements_no_update`.execute(db);
    }
    await db
      .updateTable('billing_statements')
      .set({ body: forged })
      .where('project_id', '=', project)
      .where('period', '=', '2026-10')
      .execute();
    expect((await getStatement(db, key(project, '2026-10'))).body).toBe(forged);
    await expect(verifyStatementChain(db, { projectId: project, currency: 'USD' })).resolves.toEqual([
      { period: '2026-10', problem: 'its body does not hash to its stored sha256' },
    ]);

    // Re-hashing the forgery breaks the link the next statement holds.
    await db
      .updateTable('billing_statements')
      .set({ sha256: sha256Hex(forged) })
      .where('project_id', '=', project)
      .where('period', '=', '2026-10')
      .execute();
    await expect(verifyStatementChain(db, { projectId: project, currency: 'USD' })).resolves.toEqual([
      { period: '2026-11', problem: 'previous_sha256 does not name the statement before it' },
    ]);
  });

  it('refuses a first close that would leave an earlier month with lines open', async () => {
    const { project } = await history();
    await rejectsWith(
      closeStatement(db, { ...key(project, '2026-11'), closedBy: 'user:op' }),
      'STATEMENT_OUT_OF_ORDER',
    );
    const rows = await db
      .selectFrom('billing_statements')
      .select(sql<number>`count(*)`.as('n'))
      .where('project_id', '=', project)
      .executeTakeFirstOrThrow();
    expect(Number(rows.n)).toBe(0);
  });

  it('closes a month once when two closes race', async () => {
    const { project } = await history();
    const both = await Promise.all([
      closeStatement(db, { ...key(project, '2026-10'), closedBy: 'user:a' }),
      closeStatement(db, { ...key(project, '2026-10'), closedBy: 'user:b' }),
    ]);
    expect(both.map((c) => c.created).sort()).toEqual([false, true]);
    expect(both[0].statement.body).toBe(both[1].statement.body);
    await expect(verifyStatementChain(db, { projectId: project, currency: 'USD' })).resolves.toEqual([]);
  });

  it('closes a month with no lines, carrying the balance', async () => {
    const project = newProject();
    const closed = await closeStatement(db, { ...key(project, '2026-09'), closedBy: 'system' });
    expect(closed.statement.doc).toMatchObject({
      lines: [],
      opening_balance_micros: 0,
      closing_balance_micros: 0,
    });
  });
});
