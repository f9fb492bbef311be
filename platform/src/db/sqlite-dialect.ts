/**
 * Kysely's SQLite dialect with two changes that make it safe when more than one connection (or
 * process) writes to the same file:
 * - transactions start with `BEGIN IMMEDIATE`, taking the write lock up front; a deferred `BEGIN`
 *   that later upgrades to a writer fails with SQLITE_BUSY instead of waiting on busy_timeout;
 * - DDL runs inside transactions (SQLite supports it), so the migrator applies each run
 *   atomically and a second instance waits for the first and then finds nothing to do.
 */
import { CompiledQuery, SqliteAdapter, SqliteDialect, SqliteDriver } from 'kysely';
import type { DatabaseConnection, DialectAdapter, Driver } from 'kysely';

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

export class PlatformSqliteDialect extends SqliteDialect {
  readonly #config: ConstructorParameters<typeof SqliteDialect>[0];

  constructor(config: ConstructorParameters<typeof SqliteDialect>[0]) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }

  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}
