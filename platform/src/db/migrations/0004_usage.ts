/**
 * Migration 0004: usage events reported by runtimes, one row per event id (the primary key is the
 * deduplication), and the link from a launch's service account to its allocation (revoked when
 * the allocation ends).
 */
import type { Migration } from 'kysely/migration';
import type { AnyDb } from './any-db.js';

export const usageMigration: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('usage_events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('allocation_id', 'text', (c) => c.notNull().references('allocations.id'))
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('meter', 'text', (c) => c.notNull())
      .addColumn('quantity', 'text', (c) => c.notNull())
      .addColumn('unit', 'text')
      .addColumn('origin', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('occurred_at', 'text', (c) => c.notNull())
      .addColumn('received_at', 'text', (c) => c.notNull())
      .addColumn('reported_by', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('usage_events_allocation_idx')
      .on('usage_events')
      .columns(['allocation_id', 'meter'])
      .execute();
    await db.schema.alterTable('service_accounts').addColumn('allocation_id', 'text').execute();
  },
  async down(db: AnyDb) {
    await db.schema.alterTable('service_accounts').dropColumn('allocation_id').execute();
    await db.schema.dropTable('usage_events').ifExists().execute();
  },
};
