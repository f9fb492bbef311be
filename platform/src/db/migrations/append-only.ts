/**
 * Append-only tables for migrations: the database itself refuses UPDATE and DELETE on them (the
 * ledger's transfers, closed statements), whoever sends them. Not a migration: no number.
 */
import { PostgresAdapter, sql } from 'kysely';
import type { AnyDb } from './any-db.js';

export function isPostgres(db: AnyDb): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** Makes a table append-only: the database refuses UPDATE and DELETE, whoever sends them. */
export async function forbidChanges(db: AnyDb, table: string): Promise<void> {
  const message = sql.lit(`${table} rows are immutable: write a correcting row instead`);
  if (isPostgres(db)) {
    await sql`create or replace function billing_refuse_change() returns trigger language plpgsql as $$
      begin raise exception '%', tg_argv[0]; end $$`.execute(db);
    await sql`create trigger ${sql.id(`${table}_append_only`)} before update or delete on ${sql.table(table)}
      for each row execute function billing_refuse_change(${message})`.execute(db);
    return;
  }
  for (const event of ['update', 'delete'] as const) {
    await sql`create trigger ${sql.id(`${table}_no_${event}`)} before ${sql.raw(event)} on ${sql.table(table)}
      begin select raise(abort, ${message}); end`.execute(db);
  }
}
