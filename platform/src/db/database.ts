/**
 * Opens the platform database: an embedded SQLite file under the data folder by default, or
 * PostgreSQL when a `postgres://` URL is given. Both go through Kysely with the same queries and
 * the same migrations, so every feature has one code path.
 */
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, sql } from 'kysely';
import type { SqliteDatabase } from 'kysely';
import pg from 'pg';
import { PlatformError } from '../errors.js';
import { migrateExclusively } from './migrations/index.js';
import type { Tables } from './schema.js';
import { joinableDialect } from './joinable-dialect.js';
import { PlatformSqliteDialect } from './sqlite-dialect.js';

export type SqlDialect = 'sqlite' | 'postgres';

export interface DatabaseOptions {
  /**
   * `postgres://…` / `postgresql://…` for PostgreSQL, `sqlite:PATH` for a SQLite file elsewhere;
   * omitted: `<dataDir>/platform.sqlite`.
   */
  url?: string | undefined;
  /** The data folder (created 0700 when missing). */
  dataDir: string;
  /** Apply pending migrations on open (default true). */
  migrate?: boolean;
  /** PostgreSQL pool size (default 10). */
  poolSize?: number;
}

/** An open database. */
export interface PlatformDatabase {
  db: Kysely<Tables>;
  dialect: SqlDialect;
  /** Cheap liveness probe for /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The dialect a URL selects; throws CONFIG_INVALID for anything else. */
export function dialectOf(url: string | undefined): SqlDialect {
  if (url === undefined || url === '' || url.startsWith('sqlite:')) return 'sqlite';
  if (/^postgres(ql)?:\/\//.test(url)) return 'postgres';
  throw new PlatformError(
    'CONFIG_INVALID',
    `database URL must start with postgres://, postgresql:// or sqlite: (got "${url.split(':')[0] ?? ''}:…")`,
  );
}

/** The SQLite file a URL selects: `sqlite:PATH` (relative to the data folder), else the default. */
export function sqliteFile(url: string | undefined, dataDir: string): string {
  return url !== undefined && url.startsWith('sqlite:')
    ? resolve(dataDir, url.slice('sqlite:'.length))
    : join(resolve(dataDir), 'platform.sqlite');
}

/**
 * Opens (and by default migrates) the database.
 *
 * @example
 * const { db, close } = await createDatabase({ dataDir: '.gpuaas' });
 */
export async function createDatabase(options: DatabaseOptions): Promise<PlatformDatabase> {
  const dialect = dialectOf(options.url);
  const dataDir = resolve(options.dataDir);
  // The folder holds the SQLite file and the key-encryption secret: owner-only.
  if (!existsSync(dataDir)) mkdirSync(dataDir, { recursive: true, mode: 0o700 });

  // Joinable: an idempotent request's queries all run in one transaction (db/joined-transaction.ts).
  let joinable: ReturnType<typeof joinableDialect>;
  if (dialect === 'sqlite') {
    const sqlite = openSqlite(sqliteFile(options.url, dataDir));
    joinable = joinableDialect(new PlatformSqliteDialect({ database: withStatementCache(sqlite) }), {
      singleConnection: true,
      guardWrites: false,
    });
  } else {
    const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10 });
    // An idle client that loses its server must not crash the process; the next query reports it.
    pool.on('error', () => undefined);
    joinable = joinableDialect(new PostgresDialect({ pool }), { singleConnection: false, guardWrites: true });
  }
  const db = new Kysely<Tables>({ dialect: joinable });
  joinable.register(db as unknown as Kysely<never>);

  try {
    if (options.migrate ?? true) await migrateExclusively(db, dialect);
  } catch (error) {
    await db.destroy();
    throw new PlatformError('CONFIG_INVALID', `database migration failed: ${describe(error)}`, {
      cause: error,
    });
  }

  let closed = false;
  return {
    db,
    dialect,
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
    },
  };
}

function openSqlite(file: string): BetterSqlite3.Database {
  let sqlite: BetterSqlite3.Database;
  try {
    sqlite = new BetterSqlite3(file);
  } catch (error) {
    throw new PlatformError('CONFIG_INVALID', `cannot open SQLite database ${file}: ${describe(error)}`, {
      cause: error,
    });
  }
  chmodSync(file, 0o600);
  // WAL lets readers proceed during a write; busy_timeout makes a second process wait instead of
  // failing with SQLITE_BUSY; foreign keys are off by default in SQLite.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('synchronous = NORMAL');
  return sqlite;
}

/**
 * better-sqlite3 compiles SQL on every `prepare`; Kysely prepares per query. Caching statements
 * by SQL text (bounded, oldest out) makes repeated queries skip SQLite's parser and planner.
 */
function withStatementCache(sqlite: BetterSqlite3.Database, size = 512): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(text: string) {
      let statement = cache.get(text);
      if (statement === undefined) {
        statement = sqlite.prepare(text);
        if (cache.size >= size) {
          const oldest = cache.keys().next();
          if (oldest.done !== true) cache.delete(oldest.value);
        }
        cache.set(text, statement);
      }
      return statement;
    },
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
