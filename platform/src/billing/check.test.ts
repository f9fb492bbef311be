import { testDialects } from '@gpuaas/test-support';
import { sql } from 'kysely';
import { Migrator, NO_MIGRATIONS } from 'kysely/migration';
import { afterEach, describe, expect, it } from 'vitest';
import { ACCOUNTS, openAccounts } from './accounts.js';
import { checkLedger } from './check.js';
import { createPendingTransfer } from './ledger.js';
import { topUp } from './operations.js';
import { BILLING_MIGRATIONS, openBillingTestDb } from './testing.js';
import type { BillingTestDb } from './testing.js';

const dialects = await testDialects('billing check');

/** A row written behind the library's back (tampering, a bad restore, a buggy migration). */
const rawTransfer = {
  kind: 'single' as const,
  pending_id: null,
  corrects_id: null,
  category: 'tampered',
  allocation_id: null,
  period_start: null,
  period_end: null,
  reason: null,
  created_at: '2026-01-01T00:00:00.000Z',
};

describe.each(dialects)('checkLedger and the schema on %s', (dialect) => {
  let handle: BillingTestDb | undefined;
  afterEach(async () => {
    await handle?.close();
    handle = undefined;
  });

  async function funded() {
    handle = await openBillingTestDb(dialect);
    await topUp(handle.db, { id: 't1', projectId: 'p', currency: 'USD', amount: 50n, reason: 'r' });
    await openAccounts(handle.db, [ACCOUNTS.platformRevenue('USD')]);
    return {
      db: handle.db,
      prepaid: ACCOUNTS.projectPrepaid('p', 'USD').id,
      revenue: ACCOUNTS.platformRevenue('USD'),
    };
  }

  it('passes on a consistent ledger and reports a tampered cached balance', async () => {
    const { db, prepaid } = await funded();
    expect(await checkLedger(db)).toEqual({
      ok: true,
      accounts: 3,
      transfers: 1,
      differences: [],
      imbalances: [],
      problems: [],
    });
    await db
      .updateTable('billing_balances')
      .set({ credits_posted: sql`credits_posted + 1` })
      .where('account_id', '=', prepaid)
      .execute();
    const report = await checkLedger(db);
    expect(report.ok).toBe(false);
    expect(report.differences).toEqual([
      { accountId: prepaid, field: 'credits_posted', cached: 51n, recomputed: 50n },
    ]);
    // The cache alone is off, and the ledger's own sums still balance.
    expect(report.imbalances).toEqual([]);
  });

  it('reports a post larger than its hold', async () => {
    const { db, prepaid, revenue } = await funded();
    const hold = await createPendingTransfer(db, {
      id: 'h',
      debitAccountId: prepaid,
      creditAccountId: revenue.id,
      amount: 5n,
      category: 'hold',
    });
    await db
      .insertInto('billing_transfers')
      .values({
        ...rawTransfer,
        id: 'bad-post',
        kind: 'post',
        pending_id: hold.transfer.id,
        debit_account_id: prepaid,
        credit_account_id: revenue.id,
        amount: 9n,
        currency: 'USD',
      })
      .execute();
    const report = await checkLedger(db);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([expect.stringContaining('bad-post')]);
  });

  it('reports a transfer in another currency than its accounts', async () => {
    const { db, prepaid, revenue } = await funded();
    await db
      .insertInto('billing_transfers')
      .values({
        ...rawTransfer,
        id: 'eur',
        debit_account_id: prepaid,
        credit_account_id: revenue.id,
        amount: 1n,
        currency: 'EUR',
      })
      .execute();
    const report = await checkLedger(db);
    expect(report.problems).toEqual([expect.stringContaining('another currency')]);
    expect(report.differences).not.toEqual([]);
  });

  it('reports an imbalance: a transfer to an account the cache and the accounts never saw', async () => {
    const { db, prepaid } = await funded();
    await db
      .insertInto('billing_accounts')
      .values({
        id: 'ghost',
        kind: 'platform_revenue',
        owner_id: null,
        currency: 'USD',
        no_overdraft: 0,
        expires_at: null,
        created_at: 'x',
      })
      .execute();
    await db
      .insertInto('billing_transfers')
      .values({
        ...rawTransfer,
        id: 'g',
        debit_account_id: prepaid,
        credit_account_id: 'ghost',
        amount: 3n,
        currency: 'USD',
      })
      .execute();
    const report = await checkLedger(db);
    expect(report.ok).toBe(false);
    expect(report.differences).toEqual(
      expect.arrayContaining([
        { accountId: 'ghost', field: 'credits_posted', cached: null, recomputed: 3n },
        { accountId: prepaid, field: 'debits_posted', cached: 0n, recomputed: 3n },
      ]),
    );
  });

  it('refuses UPDATE and DELETE of transfers in the database itself', async () => {
    const { db } = await funded();
    await expect(
      db.updateTable('billing_transfers').set({ amount: 1n }).where('id', '=', 't1').execute(),
    ).rejects.toThrow(/immutable/);
    await expect(db.deleteFrom('billing_transfers').where('id', '=', 't1').execute()).rejects.toThrow(
      /immutable/,
    );
    expect((await checkLedger(db)).ok).toBe(true);
  });

  it('migrates down completely and up again', async () => {
    handle = await openBillingTestDb(dialect);
    const migrator = new Migrator({
      db: handle.db,
      provider: { getMigrations: () => Promise.resolve(BILLING_MIGRATIONS) },
    });
    expect((await migrator.migrateTo(NO_MIGRATIONS)).error).toBeUndefined();
    const left = (await handle.db.introspection.getTables())
      .map((t) => t.name)
      .filter((n) => n.startsWith('billing_'));
    expect(left).toEqual([]);
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    expect((await checkLedger(handle.db)).ok).toBe(true);
  });
});
