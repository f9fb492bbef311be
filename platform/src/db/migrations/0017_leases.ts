/**
 * Migration 0017: leases for background work (platform/src/leases/). One row per job that must
 * run on exactly one instance (`scheduler`, `gpu-rater`, …): who holds it (`owner`, an instance
 * id), under which `token` (new at every acquisition, so a writer that lost the lease is told
 * apart from the one that took it over), and until when (`expires_at`, moved on by a heartbeat).
 * Times are ISO 8601 UTC text like every other time column, so they compare as text.
 */
import type { Migration } from 'kysely/migration';
import type { AnyDb } from './any-db.js';

export const leasesMigration: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('leases')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('owner', 'text', (c) => c.notNull())
      .addColumn('token', 'text', (c) => c.notNull())
      .addColumn('acquired_at', 'text', (c) => c.notNull())
      .addColumn('renewed_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db: AnyDb) {
    await db.schema.dropTable('leases').execute();
  },
};
