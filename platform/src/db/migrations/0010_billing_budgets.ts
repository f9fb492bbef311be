/**
 * Migration 0010: monthly budgets. One budget per project (its limit and alert thresholds, in
 * percent of the limit) and one row per alert fired, keyed by (project, period, threshold) so
 * that each threshold fires once per month, every month, on any number of instances.
 */
import type { Migration } from 'kysely/migration';
import type { AnyDb } from './any-db.js';

export const billingBudgetsMigration: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('billing_budgets')
      .addColumn('project_id', 'text', (c) => c.primaryKey())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('limit_micros', 'bigint', (c) => c.notNull())
      // JSON array of integer percentages, ascending, e.g. [50,80,100].
      .addColumn('thresholds', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('billing_budget_alerts')
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('period', 'text', (c) => c.notNull())
      .addColumn('threshold', 'integer', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('limit_micros', 'bigint', (c) => c.notNull())
      .addColumn('spent_micros', 'bigint', (c) => c.notNull())
      .addColumn('fired_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('billing_budget_alerts_pk', ['project_id', 'period', 'threshold'])
      .execute();
  },
  async down(db: AnyDb) {
    await db.schema.dropTable('billing_budget_alerts').execute();
    await db.schema.dropTable('billing_budgets').execute();
  },
};
