import { statSync } from 'node:fs';
import { join } from 'node:path';
import { createTestStore, testDialects } from '@gpuaas/test-support';
import type { TestStore } from '@gpuaas/test-support';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isoTime, newId } from '../ids.js';
import { createDatabase, dialectOf } from './database.js';
import type { PlatformDatabase } from './database.js';
import { MIGRATIONS, migrateToLatest, migrateToNothing } from './migrations/index.js';

const dialects = await testDialects('platform database');

describe('dialectOf', () => {
  it.each([
    [undefined, 'sqlite'],
    ['sqlite:other.sqlite', 'sqlite'],
    ['postgres://u@h/db', 'postgres'],
    ['postgresql://u@h/db', 'postgres'],
  ] as const)('%s → %s', (url, want) => expect(dialectOf(url)).toBe(want));

  it('rejects other schemes with CONFIG_INVALID', () => {
    expect(() => dialectOf('mysql://h/db')).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});

describe.each(dialects)('database on %s', (dialect) => {
  let store: TestStore;
  let database: PlatformDatabase;

  beforeAll(async () => {
    store = await createTestStore(dialect);
    database = await createDatabase({ url: store.databaseUrl, dataDir: store.dataDir });
  });
  afterAll(async () => {
    await database?.close();
    await store?.drop();
  });

  it('reports the dialect and answers ping', async () => {
    expect(database.dialect).toBe(dialect);
    await expect(database.ping()).resolves.toBeUndefined();
  });

  it('is migrated to the latest schema, and migrating again applies nothing', async () => {
    const outcome = await migrateToLatest(database.db);
    expect(outcome.applied).toEqual([]);
    const tables = (await database.db.introspection.getTables()).map((t) => t.name);
    for (const table of [
      'organizations',
      'users',
      'projects',
      'memberships',
      'service_accounts',
      'audit_events',
      'idempotency_keys',
      'rate_limit_windows',
      'signing_keys',
      'oidc_payloads',
      'settings',
    ]) {
      expect(tables, table).toContain(table);
    }
  });

  it('enforces foreign keys', async () => {
    const now = isoTime();
    await expect(
      database.db
        .insertInto('memberships')
        .values({
          project_id: newId(),
          user_id: newId(),
          role: 'owner',
          created_at: now,
          updated_at: now,
          version: 1,
        })
        .execute(),
    ).rejects.toThrow();
  });

  it('enforces the role check and unique emails', async () => {
    const now = isoTime();
    const user = { id: newId(), email: `a-${newId()}@example.com`, display_name: null, operator: 0 };
    await database.db
      .insertInto('users')
      .values({ ...user, created_at: now, updated_at: now, version: 1 })
      .execute();
    await expect(
      database.db
        .insertInto('users')
        .values({ ...user, id: newId(), created_at: now, updated_at: now, version: 1 })
        .execute(),
    ).rejects.toThrow();
    const orgId = newId();
    const projectId = newId();
    await database.db
      .insertInto('organizations')
      .values({ id: orgId, name: 'o', created_by: null, created_at: now, updated_at: now, version: 1 })
      .execute();
    await database.db
      .insertInto('projects')
      .values({
        id: projectId,
        organization_id: orgId,
        name: 'p',
        description: null,
        created_at: now,
        updated_at: now,
        version: 1,
      })
      .execute();
    await expect(
      database.db
        .insertInto('memberships')
        .values({
          project_id: projectId,
          user_id: user.id,
          role: 'admin' as 'owner',
          created_at: now,
          updated_at: now,
          version: 1,
        })
        .execute(),
    ).rejects.toThrow();
  });

  it('increments a counter atomically with one upsert (the rate limiter relies on it)', async () => {
    const bucket = `b-${newId()}`;
    const bump = () =>
      database.db
        .insertInto('rate_limit_windows')
        .values({ bucket, window_start: 'w', count: 1, expires_at: 'x' })
        .onConflict((oc) =>
          oc
            .columns(['bucket', 'window_start'])
            .doUpdateSet({ count: sql<number>`rate_limit_windows.count + 1` }),
        )
        .returning('count')
        .executeTakeFirstOrThrow();
    const counts = (await Promise.all(Array.from({ length: 20 }, bump))).map((r) => Number(r.count));
    expect(counts.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('runs down migrations cleanly and up again', async () => {
    const other = await createTestStore(dialect);
    const fresh = await createDatabase({ url: other.databaseUrl, dataDir: other.dataDir });
    try {
      await migrateToNothing(fresh.db);
      expect((await fresh.db.introspection.getTables()).map((t) => t.name)).not.toContain('projects');
      const outcome = await migrateToLatest(fresh.db);
      expect(outcome.applied).toEqual(MIGRATIONS.map((m) => m.name));
    } finally {
      await fresh.close();
      await other.drop();
    }
  });

  it('lets several instances migrate one database at the same time', async () => {
    const other = await createTestStore(dialect);
    try {
      const open = () => createDatabase({ url: other.databaseUrl, dataDir: other.dataDir });
      // better-sqlite3 is synchronous: a second connection in the SAME process waiting for the write
      // lock blocks the event loop the first one needs, so SQLite instances open one after another
      // here (separate processes wait on busy_timeout instead).
      const opened =
        dialect === 'postgres' ? await Promise.all([open(), open(), open()]) : [await open(), await open()];
      for (const d of opened) await d.ping();
      await Promise.all(opened.map((d) => d.close()));
    } finally {
      await other.drop();
    }
  });
});

describe('SQLite file', () => {
  it('lives in the data folder, owner-only, in WAL mode', async () => {
    const store = await createTestStore('sqlite');
    const database = await createDatabase({ dataDir: store.dataDir });
    try {
      const file = join(store.dataDir, 'platform.sqlite');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(database.db);
      expect(mode.rows[0]?.journal_mode).toBe('wal');
      const fk = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(database.db);
      expect(fk.rows[0]?.foreign_keys).toBe(1);
    } finally {
      await database.close();
      await store.drop();
    }
  });
});
