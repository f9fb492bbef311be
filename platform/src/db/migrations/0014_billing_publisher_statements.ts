/**
 * Migration 0014: closed publisher statements, the statements of a publisher project's earnings
 * account. The same shape as 0009's project statements, in tables of their own: an app-usage
 * transfer is a line on the tenant's statement and on the publisher's, and each book records the
 * transfers it carries once (`transfer_id` is the key of each lines table).
 */
import type { Migration } from 'kysely/migration';
import type { AnyDb } from './any-db.js';
import { forbidChanges } from './append-only.js';

export const billingPublisherStatementsMigration: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('billing_publisher_statements')
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('period', 'text', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('sha256', 'text', (c) => c.notNull())
      .addColumn('previous_sha256', 'text')
      .addColumn('closed_by', 'text', (c) => c.notNull())
      .addColumn('closed_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('billing_publisher_statements_pk', ['project_id', 'currency', 'period'])
      .addUniqueConstraint('billing_publisher_statements_seq', ['project_id', 'currency', 'seq'])
      .execute();
    await db.schema
      .createTable('billing_publisher_statement_lines')
      .addColumn('transfer_id', 'text', (c) => c.primaryKey().references('billing_transfers.id'))
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('period', 'text', (c) => c.notNull())
      // Signed micros: + credits the publisher's earnings, − debits them.
      .addColumn('amount', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('billing_publisher_statement_lines_by_period')
      .on('billing_publisher_statement_lines')
      .columns(['project_id', 'currency', 'period'])
      .execute();
    await forbidChanges(db, 'billing_publisher_statements');
    await forbidChanges(db, 'billing_publisher_statement_lines');
  },
  async down(db: AnyDb) {
    await db.schema.dropTable('billing_publisher_statement_lines').execute();
    await db.schema.dropTable('billing_publisher_statements').execute();
  },
};
