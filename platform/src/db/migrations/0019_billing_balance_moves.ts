/**
 * Migration 0019: movements of pooled accounts' balances (platform/src/billing/pooled.ts). The
 * platform's own accounts are credited by nearly every transfer; instead of locking and updating
 * their one balance row in each transfer's transaction (every create of every project queued on
 * it), a transfer appends its movement here, and an account's balance is its row plus the sum of
 * its moves until a fold moves them into the row.
 */
import type { Migration } from 'kysely/migration';
import type { AnyDb } from './any-db.js';

export const BILLING_BALANCE_MOVES_MIGRATION_NAME = '0019_billing_balance_moves';

export const billingBalanceMovesMigration: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('billing_balance_moves')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('billing_accounts.id'))
      .addColumn('debits_posted', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('credits_posted', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('debits_pending', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('credits_pending', 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .createIndex('billing_balance_moves_account_idx')
      .on('billing_balance_moves')
      .column('account_id')
      .execute();
  },
  async down(db: AnyDb) {
    await db.schema.dropTable('billing_balance_moves').execute();
  },
};
