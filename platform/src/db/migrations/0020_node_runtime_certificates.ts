/**
 * Migration 0020: the TLS certificate a remote node serves its runtimes with (issue 19). A node
 * agent with an advertised address registers the SHA-256 of its certificate; the platform pins
 * every connection to the node's runtimes to it (allocations/runtime-tls.ts). Null for a local
 * node (its runtimes are Unix sockets) and for a node that registered none (its TCP endpoints are
 * refused).
 */
import type { Migration } from 'kysely/migration';
import type { AnyDb } from './any-db.js';

export const nodeRuntimeCertificatesMigration: Migration = {
  async up(db: AnyDb) {
    await db.schema.alterTable('nodes').addColumn('runtime_certificate_sha256', 'text').execute();
  },
  async down(db: AnyDb) {
    await db.schema.alterTable('nodes').dropColumn('runtime_certificate_sha256').execute();
  },
};
