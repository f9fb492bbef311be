import pg from 'pg';
import { describe, expect, it } from 'vitest';
import {
  adminPostgresUrl,
  createTestDatabase,
  createTestStore,
  requirePostgres,
  testDialects,
} from './postgres.js';

const available = await requirePostgres('test-support PostgreSQL helpers');

async function exists(name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: adminPostgresUrl() });
  await client.connect();
  try {
    const res = await client.query('select 1 from pg_database where datname = $1', [name]);
    return res.rowCount === 1;
  } finally {
    await client.end();
  }
}

describe('testDialects', () => {
  it('always includes SQLite, and PostgreSQL exactly when it is reachable', async () => {
    const dialects = await testDialects('test-support');
    expect(dialects[0]).toBe('sqlite');
    expect(dialects.includes('postgres')).toBe(available);
  });
});

describe.skipIf(!available)('createTestDatabase', () => {
  it('creates a uniquely named, connectable database and drops it even with open connections', async () => {
    const [a, b] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    expect(a.name).not.toBe(b.name);
    expect(await exists(a.name)).toBe(true);
    const client = new pg.Client({ connectionString: a.url });
    // DROP … WITH (FORCE) terminates this session; the client reports it as an 'error' event.
    client.on('error', () => undefined);
    await client.connect();
    expect((await client.query('select current_database() as db')).rows[0]).toEqual({ db: a.name });
    await a.drop();
    await b.drop();
    await client.end().catch(() => undefined);
    expect(await exists(a.name)).toBe(false);
    expect(await exists(b.name)).toBe(false);
  });
});

describe('createTestStore', () => {
  it('gives SQLite a fresh folder and no URL, and removes the folder on drop', async () => {
    const { existsSync } = await import('node:fs');
    const store = await createTestStore('sqlite');
    expect(store.databaseUrl).toBeUndefined();
    expect(existsSync(store.dataDir)).toBe(true);
    await store.drop();
    expect(existsSync(store.dataDir)).toBe(false);
  });
});
