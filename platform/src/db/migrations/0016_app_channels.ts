/**
 * Migration 0016: release channels. A published version is published in one or more channels
 * (`stable`, `beta`, …; a JSON array of names, `["stable"]` unless the operator said otherwise);
 * an app instance follows one (app_instances.channel, migration 0015) and, with automatic
 * upgrades, moves to each version published in it that needs no fresh consent.
 */
import { sql } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { AnyDb } from './any-db.js';

export const appChannelsMigration: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .alterTable('app_versions')
      .addColumn('channels', 'text', (c) => c.notNull().defaultTo(sql`'["stable"]'`))
      .execute();
  },
  async down(db: AnyDb) {
    await db.schema.alterTable('app_versions').dropColumn('channels').execute();
  },
};
