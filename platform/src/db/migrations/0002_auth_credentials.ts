/**
 * Migration 0002: local logins (scrypt hashes) and service-account credential rotation; both
 * columns are nullable, so rows written before this migration stay valid.
 */
import type { Migration } from 'kysely/migration';
import type { AnyDb } from './any-db.js';

export const authCredentialsMigration: Migration = {
  async up(db: AnyDb) {
    await db.schema.alterTable('users').addColumn('password_hash', 'text').execute();
    await db.schema.alterTable('service_accounts').addColumn('secret_rotated_at', 'text').execute();
    await db.schema
      .createIndex('oidc_payloads_expires_idx')
      .on('oidc_payloads')
      .column('expires_at')
      .execute();
  },
  async down(db: AnyDb) {
    await db.schema.dropIndex('oidc_payloads_expires_idx').ifExists().execute();
    await db.schema.alterTable('service_accounts').dropColumn('secret_rotated_at').execute();
    await db.schema.alterTable('users').dropColumn('password_hash').execute();
  },
};
