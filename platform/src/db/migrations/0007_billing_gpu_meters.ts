/**
 * Migration 0007: what the platform needs to rate GPU time and enforce funds, beside the ledger.
 *
 * - `billing_gpu_meters`: one row per allocation, written with it: the interval length and the
 *   price of the first hold (at creation), the price in force when it became running and when
 *   that was (so later catalog changes do not move its charges), and when its final interval
 *   was rated and its holds released (`closed_at`: the rater then leaves it alone).
 * - `billing_funds_exhausted`: a project whose next interval could not be held, since when (the
 *   grace period counts from there); one row per project, so one instance alone announces it.
 */
import type { Migration } from 'kysely/migration';
import type { AnyDb } from './any-db.js';

export const billingGpuMetersMigration: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('billing_gpu_meters')
      .addColumn('allocation_id', 'text', (c) => c.primaryKey().references('allocations.id'))
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('gpu_count', 'integer', (c) => c.notNull())
      .addColumn('interval_seconds', 'integer', (c) => c.notNull())
      .addColumn('hold_price_micros', 'bigint', (c) => c.notNull())
      .addColumn('price_micros', 'bigint')
      .addColumn('running_since', 'text')
      .addColumn('closed_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    // The rater's work list: meters not closed yet.
    await db.schema
      .createIndex('billing_gpu_meters_open_idx')
      .on('billing_gpu_meters')
      .columns(['closed_at', 'project_id'])
      .execute();
    await db.schema
      .createTable('billing_funds_exhausted')
      .addColumn('project_id', 'text', (c) => c.primaryKey())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('since', 'text', (c) => c.notNull())
      .addColumn('release_after', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db: AnyDb) {
    await db.schema.dropTable('billing_funds_exhausted').execute();
    await db.schema.dropTable('billing_gpu_meters').execute();
  },
};
