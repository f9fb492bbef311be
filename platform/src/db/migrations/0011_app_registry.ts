/**
 * Migration 0011: the app registry. Publisher keys (signing keys and keyless identities a
 * project's app versions are verified against; retired, never deleted, so what they verified
 * stays valid), app versions (one row per registered artifact digest, with its review state and
 * approval) and app launches (which version and prices each launch ran, for revocation and
 * billing).
 */
import type { Migration } from 'kysely/migration';
import type { AnyDb } from './any-db.js';

export const appRegistryMigration: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('publisher_keys')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id'))
      .addColumn('key_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('public_key', 'text')
      .addColumn('issuer', 'text')
      .addColumn('subject', 'text')
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('retired_at', 'text')
      .addUniqueConstraint('publisher_keys_project_key_unique', ['project_id', 'key_id'])
      .execute();
    await db.schema
      .createTable('app_versions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id'))
      .addColumn('registry', 'text', (c) => c.notNull())
      .addColumn('repository', 'text', (c) => c.notNull())
      .addColumn('tag', 'text')
      .addColumn('digest', 'text', (c) => c.notNull())
      .addColumn('app', 'text', (c) => c.notNull())
      .addColumn('version', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      // JSON of the parsed gpuaas.yaml ('null' when it could not be read).
      .addColumn('manifest', 'text', (c) => c.notNull())
      .addColumn('signer_key_id', 'text')
      // JSON array of {code, message, pointer?}: why the registration was rejected.
      .addColumn('errors', 'text')
      .addColumn('submitted_by', 'text', (c) => c.notNull())
      .addColumn('submitted_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('reviewed_by', 'text')
      .addColumn('reviewed_at', 'text')
      .addColumn('reason', 'text')
      .addColumn('approval_scope', 'text')
      .addColumn('approval_scope_id', 'text')
      .addColumn('release_reference', 'text')
      .addColumn('approval_digest', 'text')
      .addColumn('revoked_at', 'text')
      .addUniqueConstraint('app_versions_artifact_unique', ['registry', 'repository', 'digest'])
      .execute();
    await db.schema.createIndex('app_versions_state_idx').on('app_versions').column('state').execute();
    await db.schema.createIndex('app_versions_project_idx').on('app_versions').column('project_id').execute();
    await db.schema
      .createTable('app_launches')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('allocation_id', 'text', (c) => c.notNull().references('allocations.id'))
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('version_id', 'text')
      .addColumn('reference', 'text', (c) => c.notNull())
      .addColumn('digest', 'text', (c) => c.notNull())
      .addColumn('service_account_id', 'text')
      .addColumn('launched_by', 'text', (c) => c.notNull())
      .addColumn('launched_at', 'text', (c) => c.notNull())
      .addColumn('ended_at', 'text')
      // JSON: {currency, hourly_price_micros, meters: [...], publisher_project_id, fee_bps}.
      .addColumn('pricing', 'text')
      .execute();
    // Every usage batch looks up its allocation's launches; revocation looks up a version's.
    await db.schema
      .createIndex('app_launches_allocation_idx')
      .on('app_launches')
      .columns(['allocation_id', 'launched_at'])
      .execute();
    await db.schema.createIndex('app_launches_version_idx').on('app_launches').column('version_id').execute();
  },
  async down(db: AnyDb) {
    await db.schema.dropTable('app_launches').execute();
    await db.schema.dropTable('app_versions').execute();
    await db.schema.dropTable('publisher_keys').execute();
  },
};
