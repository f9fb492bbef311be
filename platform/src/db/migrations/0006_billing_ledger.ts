/**
 * Migration 0006: the billing ledger's tables (platform/src/billing/README.md has the model). Portable across SQLite and PostgreSQL: text ids and times, 64-bit
 * integer amounts (`bigint`: INTEGER affinity on SQLite), checks the database enforces itself.
 * No foreign keys to platform tables: accounts name their owners by id, and publishers have no
 * table yet. Transfers are immutable in the database itself: triggers refuse UPDATE and DELETE.
 */
import { sql } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { AnyDb } from './any-db.js';
import { forbidChanges, isPostgres } from './append-only.js';

/** The name to record in the platform's ordered migration list. */
export const BILLING_MIGRATION_NAME = '0006_billing_ledger';

export const billingLedgerMigration: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('billing_accounts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('owner_id', 'text')
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('no_overdraft', 'integer', (c) => c.notNull().check(sql`no_overdraft in (0, 1)`))
      .addColumn('expires_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('billing_accounts_owner_idx')
      .on('billing_accounts')
      .column('owner_id')
      .execute();

    await db.schema
      .createTable('billing_transfers')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('single', 'pending', 'post', 'void')`))
      .addColumn('debit_account_id', 'text', (c) => c.notNull().references('billing_accounts.id'))
      .addColumn('credit_account_id', 'text', (c) => c.notNull().references('billing_accounts.id'))
      .addColumn('amount', 'bigint', (c) => c.notNull().check(sql`amount >= 0`))
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('pending_id', 'text', (c) => c.references('billing_transfers.id'))
      .addColumn('corrects_id', 'text', (c) => c.references('billing_transfers.id'))
      .addColumn('category', 'text', (c) => c.notNull())
      .addColumn('allocation_id', 'text')
      .addColumn('period_start', 'text')
      .addColumn('period_end', 'text')
      .addColumn('reason', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addCheckConstraint('billing_transfers_distinct_accounts', sql`debit_account_id <> credit_account_id`)
      .execute();
    // A pending transfer is posted or voided once: the database refuses a second resolution.
    await db.schema
      .createIndex('billing_transfers_pending_unique')
      .on('billing_transfers')
      .column('pending_id')
      .unique()
      .execute();
    await db.schema
      .createIndex('billing_transfers_debit_idx')
      .on('billing_transfers')
      .column('debit_account_id')
      .execute();
    await db.schema
      .createIndex('billing_transfers_credit_idx')
      .on('billing_transfers')
      .column('credit_account_id')
      .execute();
    await db.schema
      .createIndex('billing_transfers_corrects_idx')
      .on('billing_transfers')
      .column('corrects_id')
      .execute();
    await db.schema
      .createIndex('billing_transfers_allocation_idx')
      .on('billing_transfers')
      .column('allocation_id')
      .execute();

    await forbidChanges(db, 'billing_transfers');

    await db.schema
      .createTable('billing_balances')
      .addColumn('account_id', 'text', (c) => c.primaryKey().references('billing_accounts.id'))
      .addColumn('debits_posted', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('credits_posted', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('debits_pending', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('credits_pending', 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();

    await db.schema
      .createTable('billing_rated_events')
      .addColumn('launch_id', 'text', (c) => c.notNull())
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('meter', 'text', (c) => c.notNull())
      .addColumn('quantity', 'text', (c) => c.notNull())
      .addColumn('charge_micros', 'bigint', (c) => c.notNull())
      .addColumn('fee_micros', 'bigint', (c) => c.notNull())
      .addColumn('transfer_ids', 'text', (c) => c.notNull())
      .addColumn('rated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('billing_rated_events_pk', ['launch_id', 'event_id'])
      .execute();

    await db.schema
      .createTable('billing_carries')
      .addColumn('launch_id', 'text', (c) => c.notNull())
      .addColumn('meter', 'text', (c) => c.notNull())
      .addColumn('denominator', 'bigint', (c) => c.notNull())
      .addColumn('charge_remainder', 'bigint', (c) => c.notNull())
      .addColumn('fee_remainder', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('billing_carries_pk', ['launch_id', 'meter'])
      .execute();

    await db.schema
      .createTable('billing_rated_intervals')
      .addColumn('allocation_id', 'text', (c) => c.notNull())
      .addColumn('idx', 'integer', (c) => c.notNull())
      .addColumn('start_second', 'integer', (c) => c.notNull())
      .addColumn('end_second', 'integer', (c) => c.notNull())
      .addColumn('is_final', 'integer', (c) => c.notNull().check(sql`is_final in (0, 1)`))
      .addColumn('charge_micros', 'bigint', (c) => c.notNull())
      .addColumn('transfer_ids', 'text', (c) => c.notNull())
      .addColumn('rated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('billing_rated_intervals_pk', ['allocation_id', 'idx'])
      .execute();
  },

  async down(db: AnyDb) {
    if (isPostgres(db)) await sql`drop function if exists billing_refuse_change() cascade`.execute(db);
    for (const table of [
      'billing_rated_intervals',
      'billing_carries',
      'billing_rated_events',
      'billing_balances',
      'billing_transfers',
      'billing_accounts',
    ]) {
      await db.schema.dropTable(table).ifExists().execute();
    }
  },
};
