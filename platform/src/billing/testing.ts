/**
 * A billing database for tests, on either dialect, with only the billing migrations applied (the
 * library does not depend on the platform's other tables).
 */
import { join } from 'node:path';
import { createTestStore } from '@gpuaas/test-support';
import type { TestDialect } from '@gpuaas/test-support';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect } from 'kysely';
import { Migrator } from 'kysely/migration';
import pg from 'pg';
import { PlatformSqliteDialect } from '../db/sqlite-dialect.js';
import type { BillingDb } from './db.js';
import { BILLING_MIGRATION_NAME, billingLedgerMigration } from '../db/migrations/0006_billing_ledger.js';
import {
  BILLING_BALANCE_MOVES_MIGRATION_NAME,
  billingBalanceMovesMigration,
} from '../db/migrations/0019_billing_balance_moves.js';
import type { BillingTables } from './schema.js';

/** The migrations that create the billing tables, by name. */
export const BILLING_MIGRATIONS = {
  [BILLING_MIGRATION_NAME]: billingLedgerMigration,
  [BILLING_BALANCE_MOVES_MIGRATION_NAME]: billingBalanceMovesMigration,
};

export interface BillingTestDb {
  db: BillingDb;
  dialect: TestDialect;
  close(): Promise<void>;
}

export async function openBillingTestDb(dialect: TestDialect): Promise<BillingTestDb> {
  const store = await createTestStore(dialect);
  let db: BillingDb;
  if (dialect === 'sqlite') {
    const sqlite = new BetterSqlite3(join(store.dataDir, 'billing.sqlite'));
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    db = new Kysely<BillingTables>({ dialect: new PlatformSqliteDialect({ database: sqlite }) });
  } else {
    const pool = new pg.Pool({ connectionString: store.databaseUrl, max: 4 });
    pool.on('error', () => undefined);
    db = new Kysely<BillingTables>({ dialect: new PostgresDialect({ pool }) });
  }
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(BILLING_MIGRATIONS) },
  });
  const { error } = await migrator.migrateToLatest();
  if (error !== undefined)
    throw error instanceof Error ? error : new Error('billing migration failed', { cause: error });
  return {
    db,
    dialect,
    async close() {
      await db.destroy();
      await store.drop();
    },
  };
}
