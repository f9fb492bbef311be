/**
 * Migration 0009: closed billing statements. A closed statement is stored once, as the exact bytes
 * it is served with (its canonical JSON), with the SHA-256 of those bytes and of the project's
 * previous closed statement (a chain). `billing_statement_lines` names each transfer a closed
 * statement carries, once: a transfer rated into a closed period later is found missing there and
 * shows as a dated adjustment on the next open statement.
 */
import type { Migration } from 'kysely/migration';
import type { AnyDb } from './any-db.js';
import { forbidChanges } from './append-only.js';

export const billingStatementsMigration: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('billing_statements')
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('period', 'text', (c) => c.notNull())
      // 1, 2, …: the statement's place in the project's chain.
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('sha256', 'text', (c) => c.notNull())
      .addColumn('previous_sha256', 'text')
      .addColumn('closed_by', 'text', (c) => c.notNull())
      .addColumn('closed_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('billing_statements_pk', ['project_id', 'currency', 'period'])
      .addUniqueConstraint('billing_statements_seq', ['project_id', 'currency', 'seq'])
      .execute();
    await db.schema
      .createTable('billing_statement_lines')
      .addColumn('transfer_id', 'text', (c) => c.primaryKey().references('billing_transfers.id'))
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('period', 'text', (c) => c.notNull())
      // Signed micros: + credits the project's balance, − debits it.
      .addColumn('amount', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('billing_statement_lines_by_period')
      .on('billing_statement_lines')
      .columns(['project_id', 'currency', 'period'])
      .execute();
    // Closed is closed: the hash chain shows an edit, and the database refuses one.
    await forbidChanges(db, 'billing_statements');
    await forbidChanges(db, 'billing_statement_lines');
  },
  async down(db: AnyDb) {
    await db.schema.dropTable('billing_statement_lines').execute();
    await db.schema.dropTable('billing_statements').execute();
  },
};
