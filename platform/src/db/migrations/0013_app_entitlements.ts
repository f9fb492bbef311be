/**
 * Migration 0013: app entitlements. A published version carries its access kind (`free`, `paid`
 * or `grant`, set by the operator at publish; null = derived from the manifest's prices), and
 * grants name the projects that may launch a `grant` app (`publisher/app`), optionally until a
 * date. Revoked grants keep their row (revoked_at) as the record of who could launch when.
 */
import type { Migration } from 'kysely/migration';
import type { AnyDb } from './any-db.js';

export const appEntitlementsMigration: Migration = {
  async up(db: AnyDb) {
    await db.schema.alterTable('app_versions').addColumn('access', 'text').execute();
    await db.schema
      .createTable('app_entitlements')
      .addColumn('id', 'text', (c) => c.primaryKey())
      // `publisher/app`: the catalog name, so a grant covers every version of the app.
      .addColumn('app', 'text', (c) => c.notNull())
      .addColumn('publisher_project_id', 'text', (c) => c.notNull().references('projects.id'))
      .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id'))
      .addColumn('until', 'text')
      .addColumn('granted_by', 'text', (c) => c.notNull())
      .addColumn('granted_at', 'text', (c) => c.notNull())
      .addColumn('revoked_by', 'text')
      .addColumn('revoked_at', 'text')
      .execute();
    await db.schema
      .createIndex('app_entitlements_app_project_idx')
      .on('app_entitlements')
      .columns(['app', 'project_id'])
      .execute();
    await db.schema
      .createIndex('app_entitlements_project_idx')
      .on('app_entitlements')
      .column('project_id')
      .execute();
  },
  async down(db: AnyDb) {
    await db.schema.dropTable('app_entitlements').execute();
    await db.schema.alterTable('app_versions').dropColumn('access').execute();
  },
};
