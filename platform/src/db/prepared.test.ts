import { createTestStore, testDialects } from '@gpuaas/test-support';
import type { TestStore } from '@gpuaas/test-support';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isoTime, newId } from '../ids.js';
import { createDatabase } from './database.js';
import type { PlatformDatabase } from './database.js';
import { prepare } from './prepared.js';

const dialects = await testDialects('platform prepared queries');

const userByEmail = prepare((db, p: { email: string }) =>
  db.selectFrom('users').select(['id', 'email']).where('email', '=', p.email).limit(1),
);

describe.each(dialects)('prepared queries on %s', (dialect) => {
  let store: TestStore;
  let database: PlatformDatabase;

  beforeAll(async () => {
    store = await createTestStore(dialect);
    database = await createDatabase({ url: store.databaseUrl, dataDir: store.dataDir });
    const now = isoTime();
    for (const email of ['a@example.com', 'b@example.com']) {
      await database.db
        .insertInto('users')
        .values({
          id: newId(),
          email,
          display_name: null,
          operator: 0,
          created_at: now,
          updated_at: now,
          version: 1,
        })
        .execute();
    }
  });
  afterAll(async () => {
    await database?.close();
    await store?.drop();
  });

  it('runs with new values each time and keeps constants (limit) in place', async () => {
    const a = await userByEmail(database.db, { email: 'a@example.com' });
    const b = await userByEmail(database.db, { email: 'b@example.com' });
    const none = await userByEmail(database.db, { email: 'nobody@example.com' });
    expect(a.map((r) => r.email)).toEqual(['a@example.com']);
    expect(b.map((r) => r.email)).toEqual(['b@example.com']);
    expect(none).toEqual([]);
  });

  it('refuses a query whose parameter ends up in the SQL text', async () => {
    const inlined = prepare((db, p: { email: string }) =>
      db
        .selectFrom('users')
        .selectAll()
        .where(sql.raw<boolean>(`email = '${p.email}'`)),
    );
    await expect(inlined(database.db, { email: 'a@example.com' })).rejects.toThrow(/inlined/);
  });
});
