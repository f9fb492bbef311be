/**
 * Migration 0012: persistent project volumes. Volumes and snapshots keep their row after deletion
 * (state `deleted`, `deleted_at`) so billing can rate them up to the moment they went; a name is
 * unique among a project's live volumes (and live snapshots) by a partial unique index. Attachments
 * keep their row after detaching (history); the live ones have `detached_at` null. Storage quotas
 * are per project, a missing row meaning the configured defaults.
 */
import { sql } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { AnyDb } from './any-db.js';

export const storageMigration: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('storage_volumes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('size_gib', 'integer', (c) => c.notNull())
      // A grow in progress: the size being applied (a restart finishes it).
      .addColumn('pending_size_gib', 'integer')
      .addColumn('site', 'text', (c) => c.notNull())
      .addColumn('storage_class', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('source_snapshot_id', 'text')
      .addColumn('created_by', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('deleted_at', 'text')
      // Billing: rated up to here; the fraction of a micro carried to the next interval (decimal text).
      .addColumn('billed_until', 'text')
      .addColumn('billing_carry', 'text', (c) => c.notNull().defaultTo('0'))
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .execute();
    await db.schema
      .createIndex('storage_volumes_live_name_unique')
      .on('storage_volumes')
      .columns(['project_id', 'name'])
      .unique()
      .where(sql.ref('deleted_at'), 'is', null)
      .execute();
    await db.schema
      .createIndex('storage_volumes_state_idx')
      .on('storage_volumes')
      .columns(['state'])
      .execute();
    await db.schema
      .createTable('storage_snapshots')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id'))
      .addColumn('volume_id', 'text')
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('size_gib', 'integer', (c) => c.notNull())
      .addColumn('site', 'text', (c) => c.notNull())
      .addColumn('storage_class', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('deleted_at', 'text')
      .addColumn('billed_until', 'text')
      .addColumn('billing_carry', 'text', (c) => c.notNull().defaultTo('0'))
      .execute();
    await db.schema
      .createIndex('storage_snapshots_live_name_unique')
      .on('storage_snapshots')
      .columns(['project_id', 'name'])
      .unique()
      .where(sql.ref('deleted_at'), 'is', null)
      .execute();
    await db.schema
      .createTable('volume_attachments')
      .addColumn('volume_id', 'text', (c) => c.notNull())
      .addColumn('allocation_id', 'text', (c) => c.notNull())
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('mount_path', 'text', (c) => c.notNull())
      .addColumn('read_only', 'integer', (c) => c.notNull())
      // The node folder the agent binds into the sandbox (the backend's mount of the volume).
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('attached_at', 'text', (c) => c.notNull())
      .addColumn('detached_at', 'text')
      .addPrimaryKeyConstraint('volume_attachments_pk', ['volume_id', 'allocation_id'])
      .execute();
    await db.schema
      .createIndex('volume_attachments_allocation_idx')
      .on('volume_attachments')
      .columns(['allocation_id'])
      .execute();
    await db.schema
      .createTable('storage_quotas')
      .addColumn('project_id', 'text', (c) => c.primaryKey())
      .addColumn('max_gib', 'integer', (c) => c.notNull())
      .addColumn('max_volumes', 'integer', (c) => c.notNull())
      .addColumn('max_snapshots', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db: AnyDb) {
    await db.schema.dropTable('storage_quotas').execute();
    await db.schema.dropTable('volume_attachments').execute();
    await db.schema.dropTable('storage_snapshots').execute();
    await db.schema.dropTable('storage_volumes').execute();
  },
};
