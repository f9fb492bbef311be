/**
 * PostgreSQL for tests: a fresh, uniquely named database per suite on the server at
 * 127.0.0.1:5432 (trust auth, user postgres), dropped afterwards, plus the list of SQL dialects a
 * suite should run on. Without a reachable server a developer's run skips the PostgreSQL half with
 * a loud notice; under CI (`CI=true`) an unreachable server is a failure.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { isCi } from './tools.js';

/** Server the tests use; `GPUAAS_TEST_POSTGRES_URL` overrides it (any database on that server). */
export function adminPostgresUrl(): string {
  return process.env.GPUAAS_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
}

export interface TestPostgresDatabase {
  /** Connection URL of the new database. */
  url: string;
  /** Database name (`gpuaas_test_<random>`). */
  name: string;
  /** Drops the database, closing whatever connections are still open to it. */
  drop(): Promise<void>;
}

let reachable: Promise<boolean> | undefined;

/** True when the test server accepts a connection (checked once per process). */
export function postgresReachable(): Promise<boolean> {
  reachable ??= (async () => {
    const client = new pg.Client({ connectionString: adminPostgresUrl(), connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query('select 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return reachable;
}

/**
 * Returns true when PostgreSQL is reachable. When it is not: throws under CI, otherwise prints a
 * notice and returns false so the caller can skip.
 */
export async function requirePostgres(suite: string): Promise<boolean> {
  if (await postgresReachable()) return true;
  const message = `${suite}: PostgreSQL is not reachable at ${redact(adminPostgresUrl())}`;
  if (isCi()) throw new Error(`CI=true and ${message}`);
  console.warn(`\n!!! SKIPPING ${message} — start PostgreSQL 15 on 127.0.0.1:5432 to run these tests\n`);
  return false;
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminPostgresUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates an empty database with a unique name on the test server. */
export async function createTestDatabase(): Promise<TestPostgresDatabase> {
  const name = `gpuaas_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  // The name is generated from [a-z0-9_] only, so quoting it as an identifier is safe.
  await admin((c) => c.query(`CREATE DATABASE "${name}"`));
  const url = new URL(adminPostgresUrl());
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    url: url.toString(),
    name,
    async drop() {
      if (dropped) return;
      dropped = true;
      await admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

/** SQL dialects the platform supports; every suite that touches the database runs on each. */
export type TestDialect = 'sqlite' | 'postgres';

/**
 * The dialects a suite runs on: always SQLite, PostgreSQL when reachable (required under CI).
 * Use with top-level await: `describe.each(await testDialects('suite'))('… on %s', (dialect) => …)`.
 */
export async function testDialects(suite: string): Promise<TestDialect[]> {
  return (await requirePostgres(suite)) ? ['sqlite', 'postgres'] : ['sqlite'];
}

export interface TestStore {
  dialect: TestDialect;
  /** A fresh temporary folder, for the SQLite file and anything else the code under test writes. */
  dataDir: string;
  /** PostgreSQL URL of a fresh database; undefined on SQLite. */
  databaseUrl: string | undefined;
  /** Removes the folder and drops the database. */
  drop(): Promise<void>;
}

/**
 * A fresh data folder and, on PostgreSQL, a fresh database. `pathLength` makes the data folder's
 * absolute path exactly that long (as a clone deep under a home folder would be), so nothing
 * that depends on it (Unix socket paths) goes unnoticed.
 */
export async function createTestStore(
  dialect: TestDialect,
  options: { pathLength?: number } = {},
): Promise<TestStore> {
  const base = await mkdtemp(join(tmpdir(), `gpuaas-${dialect}-`));
  let dataDir = base;
  if (options.pathLength !== undefined) {
    const rest = options.pathLength - base.length - 1;
    if (rest < 1) throw new RangeError(`pathLength ${options.pathLength} is shorter than ${base}`);
    dataDir = join(base, 'd'.repeat(rest));
    await mkdir(dataDir);
  }
  const database = dialect === 'postgres' ? await createTestDatabase() : undefined;
  return {
    dialect,
    dataDir,
    databaseUrl: database?.url,
    async drop() {
      await database?.drop();
      await rm(base, { recursive: true, force: true });
    },
  };
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}
