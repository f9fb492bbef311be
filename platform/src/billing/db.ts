/**
 * How billing code talks to the database: a Kysely over the billing tables, and one helper that
 * joins the caller's transaction when there is one, so several billing steps (and the caller's
 * own writes, such as storing a usage event) commit or roll back together.
 */
import { PostgresAdapter, sql } from 'kysely';
import type { DialectAdapter, Kysely, RawBuilder, Transaction } from 'kysely';
import type { BillingTables } from './schema.js';

export type BillingDb = Kysely<BillingTables>;
export type BillingTransaction = Transaction<BillingTables>;

/**
 * The platform's database (or one of its transactions) seen as billing's. Kysely's types are
 * invariant in the table map, so a Kysely over more tables is not assignable to this one even
 * though billing only touches its own; the object itself is used unchanged.
 */
export function asBillingDb<DB extends BillingTables>(db: Kysely<DB> | Transaction<DB>): BillingDb {
  return db as unknown as BillingDb;
}

/**
 * Runs `fn` in the caller's transaction, or in a new one. Billing validates before it writes, but
 * an operation of several transfers can fail after the first: a caller that catches a
 * BillingError inside its own transaction must roll that transaction back.
 */
export async function inTransaction<T>(
  db: BillingDb,
  fn: (trx: BillingTransaction) => Promise<T>,
): Promise<T> {
  if (db.isTransaction) return fn(db as BillingTransaction);
  return db.transaction().execute(fn);
}

/** True on PostgreSQL, where a few writes merge into one statement (data-modifying CTEs). */
export function isPostgres(db: { getExecutor(): { readonly adapter: DialectAdapter } }): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** A 64-bit integer column read as text, so neither driver rounds it (pg: string, SQLite: number). */
export function int64Text(column: string): RawBuilder<string> {
  return sql<string>`cast(${sql.ref(column)} as text)`;
}

/** The current time as the platform stores it (ISO 8601 UTC, milliseconds). */
export function nowIso(): string {
  return new Date().toISOString();
}
