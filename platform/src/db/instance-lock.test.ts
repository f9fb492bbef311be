import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createTestStore } from '@gpuaas/test-support';
import type { TestStore } from '@gpuaas/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDatabase } from './database.js';
import { lockSqliteInstance } from './instance-lock.js';

describe('the SQLite instance lock', () => {
  let store: TestStore;
  beforeEach(async () => void (store = await createTestStore('sqlite')));
  afterEach(() => store.drop());

  it('refuses a second holder with DATABASE_IN_USE naming the first one’s pid and data dir', () => {
    const first = lockSqliteInstance({ url: undefined, dataDir: store.dataDir });
    expect(first?.file).toBe(join(store.dataDir, 'platform.sqlite'));
    let refused: unknown;
    try {
      lockSqliteInstance({ url: undefined, dataDir: store.dataDir });
    } catch (error) {
      refused = error;
    }
    expect(refused).toMatchObject({ code: 'DATABASE_IN_USE' });
    const message = (refused as Error).message;
    expect(message).toContain(`pid ${process.pid}`);
    expect(message).toContain(`data dir ${store.dataDir}`);
    expect(message).toMatch(/hint: SQLite runs one server; stop pid \d+ first/);
    first?.release();
    const again = lockSqliteInstance({ url: undefined, dataDir: store.dataDir });
    expect(again).toBeDefined();
    again?.release();
  });

  it('guards the database file, whichever data dir names it (sqlite:PATH)', () => {
    const url = `sqlite:${join(store.dataDir, 'shared.sqlite')}`;
    const first = lockSqliteInstance({ url, dataDir: join(store.dataDir, 'a') });
    expect(() => lockSqliteInstance({ url, dataDir: join(store.dataDir, 'b') })).toThrow(
      expect.objectContaining({ code: 'DATABASE_IN_USE' }),
    );
    first?.release();
  });

  it('leaves the database usable by other connections (short-lived commands) while held', async () => {
    const lock = lockSqliteInstance({ url: undefined, dataDir: store.dataDir });
    const database = await createDatabase({ dataDir: store.dataDir });
    await database.ping();
    await database.close();
    lock?.release();
    expect(existsSync(join(store.dataDir, 'platform.sqlite.serve-holder.json'))).toBe(false);
  });

  it('is not taken on PostgreSQL, where any number of instances run', () => {
    expect(lockSqliteInstance({ url: 'postgres://u@h/db', dataDir: store.dataDir })).toBeUndefined();
  });
});
