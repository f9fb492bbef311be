/**
 * Migration 0018: node credentials (platform/src/nodes/credentials.ts). One row per credential an
 * operator issued for a node (by name: the node may not have registered yet). Only a hash of the
 * secret is kept. A rotation adds a new row and gives the old one an `expires_at` (the overlap
 * during which both are accepted); a revocation sets `revoked_at`. Rows are never deleted, so the
 * audit trail's ids always name something.
 */
import type { Migration } from 'kysely/migration';
import type { AnyDb } from './any-db.js';

export const nodeCredentialsMigration: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('node_credentials')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('node_name', 'text', (c) => c.notNull())
      .addColumn('secret_hash', 'text')
      .addColumn('agent_user_id', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text')
      .addColumn('revoked_at', 'text')
      .addColumn('replaces', 'text')
      .execute();
    await db.schema
      .createIndex('node_credentials_by_node')
      .on('node_credentials')
      .columns(['node_name', 'id'])
      .execute();
  },
  async down(db: AnyDb) {
    await db.schema.dropTable('node_credentials').execute();
  },
};
