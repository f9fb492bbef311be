/**
 * Schema migrations, compiled into the code (a build never depends on files read at runtime), in
 * ONE ordered list: `MIGRATIONS` below, one file per migration named after it. Each is written
 * once with Kysely's schema builder and portable types, so the same code path creates the schema
 * on SQLite and PostgreSQL. Instances starting together on PostgreSQL migrate one at a time
 * under an advisory lock (`migrateExclusively`).
 *
 * Existing databases record these names in `kysely_migration`: a name never changes, a shipped
 * migration is never edited, and a new one is appended with the next number (migrations.test.ts).
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { Migrator, NO_MIGRATIONS } from 'kysely/migration';
import type { Migration, MigrationProvider } from 'kysely/migration';
import { initialMigration } from './0001_initial.js';
import { authCredentialsMigration } from './0002_auth_credentials.js';
import { computeMigration } from './0003_compute.js';
import { usageMigration } from './0004_usage.js';
import { usageScopeMigration } from './0005_usage_scoped_ids.js';
import { billingLedgerMigration } from './0006_billing_ledger.js';
import { billingGpuMetersMigration } from './0007_billing_gpu_meters.js';
import { billingRefundRequestsMigration } from './0008_billing_refund_requests.js';
import { billingStatementsMigration } from './0009_billing_statements.js';
import { billingBudgetsMigration } from './0010_billing_budgets.js';
import { appRegistryMigration } from './0011_app_registry.js';
import { storageMigration } from './0012_storage.js';
import { appEntitlementsMigration } from './0013_app_entitlements.js';
import { billingPublisherStatementsMigration } from './0014_billing_publisher_statements.js';
import { appInstancesMigration } from './0015_app_instances.js';
import { appChannelsMigration } from './0016_app_channels.js';
import { leasesMigration } from './0017_leases.js';
import { nodeCredentialsMigration } from './0018_node_credentials.js';
import { billingBalanceMovesMigration } from './0019_billing_balance_moves.js';
import { nodeRuntimeCertificatesMigration } from './0020_node_runtime_certificates.js';

export interface NamedMigration {
  /** The name Kysely records; also the file's name. */
  readonly name: string;
  readonly migration: Migration;
}

/** Every migration, in the order it runs. */
export const MIGRATIONS: readonly NamedMigration[] = [
  { name: '0001_initial', migration: initialMigration },
  { name: '0002_auth_credentials', migration: authCredentialsMigration },
  { name: '0003_compute', migration: computeMigration },
  { name: '0004_usage', migration: usageMigration },
  { name: '0005_usage_scoped_ids', migration: usageScopeMigration },
  { name: '0006_billing_ledger', migration: billingLedgerMigration },
  { name: '0007_billing_gpu_meters', migration: billingGpuMetersMigration },
  { name: '0008_billing_refund_requests', migration: billingRefundRequestsMigration },
  { name: '0009_billing_statements', migration: billingStatementsMigration },
  { name: '0010_billing_budgets', migration: billingBudgetsMigration },
  { name: '0011_app_registry', migration: appRegistryMigration },
  { name: '0012_storage', migration: storageMigration },
  { name: '0013_app_entitlements', migration: appEntitlementsMigration },
  { name: '0014_billing_publisher_statements', migration: billingPublisherStatementsMigration },
  { name: '0015_app_instances', migration: appInstancesMigration },
  { name: '0016_app_channels', migration: appChannelsMigration },
  { name: '0017_leases', migration: leasesMigration },
  { name: '0018_node_credentials', migration: nodeCredentialsMigration },
  { name: '0019_billing_balance_moves', migration: billingBalanceMovesMigration },
  { name: '0020_node_runtime_certificates', migration: nodeRuntimeCertificatesMigration },
];

// Kysely runs migrations in the order of their names; the numbered names make that this list's order.
const provider: MigrationProvider = {
  getMigrations: () => Promise.resolve(Object.fromEntries(MIGRATIONS.map((m) => [m.name, m.migration]))),
};

export interface MigrationOutcome {
  /** Names of the migrations this call applied (empty when the schema was already current). */
  applied: string[];
}

/** Brings the schema to the latest migration; throws the underlying error when one fails. */
export async function migrateToLatest<DB>(db: Kysely<DB>): Promise<MigrationOutcome> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) throw asError(error);
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}

/**
 * The key of the session advisory lock `migrateExclusively` holds on PostgreSQL: any constant
 * other than Kysely's own (its Migrator takes that one only around the migrations themselves).
 */
export const MIGRATION_ADVISORY_LOCK = 0x67707561; // "gpua"

/**
 * `migrateToLatest` for a database several instances may open at once. On PostgreSQL the whole
 * run — Kysely's bookkeeping tables included, which it creates before taking its own lock, so
 * instances starting together race their `CREATE TABLE` — happens on one connection holding a
 * session advisory lock: one instance migrates, the others wait and then find nothing to do. A
 * crashed migrator's lock goes with its connection. SQLite serialises writers by itself
 * (busy_timeout), and only one `serve` runs on a SQLite file (db/instance-lock.ts).
 */
export async function migrateExclusively<DB>(
  db: Kysely<DB>,
  dialect: 'sqlite' | 'postgres',
): Promise<MigrationOutcome> {
  if (dialect === 'sqlite') return migrateToLatest(db);
  return db.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(${sql.lit(MIGRATION_ADVISORY_LOCK)})`.execute(connection);
    try {
      return await migrateToLatest(connection);
    } finally {
      await sql`select pg_advisory_unlock(${sql.lit(MIGRATION_ADVISORY_LOCK)})`.execute(connection);
    }
  });
}

/** Undoes every migration (tests use it to prove `down` is complete). */
export async function migrateToNothing<DB>(db: Kysely<DB>): Promise<void> {
  const migrator = new Migrator({ db, provider });
  const { error } = await migrator.migrateTo(NO_MIGRATIONS);
  if (error !== undefined) throw asError(error);
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
