import { createTestStore, testDialects } from '@gpuaas/test-support';
import type { TestStore } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isoTime, newId } from '../ids.js';
import { createDatabase } from './database.js';
import type { PlatformDatabase } from './database.js';
import { openJoinedTransaction } from './joinable-dialect.js';
import { afterCommit } from './joined-transaction.js';

const dialects = await testDialects('joined transactions');

describe.each(dialects)('joined transactions on %s', (dialect) => {
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

  const user = (email: string) => {
    const now = isoTime();
    return {
      id: newId(),
      email,
      display_name: null,
      operator: 0,
      created_at: now,
      updated_at: now,
      version: 1,
    };
  };
  const insert = (email: string) => database.db.insertInto('users').values(user(email)).execute();
  const emails = async (...wanted: string[]) =>
    (await database.db.selectFrom('users').select('email').where('email', 'in', wanted).execute())
      .map((r) => r.email)
      .sort();

  it('commits plain queries and nested transactions made inside run() together', async () => {
    const tx = await openJoinedTransaction(database.db);
    await tx.run(async () => {
      await insert('plain@example.com');
      await database.db
        .transaction()
        .execute((trx) => trx.insertInto('users').values(user('nested@example.com')).execute());
    });
    await tx.commit();
    expect(await emails('plain@example.com', 'nested@example.com')).toEqual([
      'nested@example.com',
      'plain@example.com',
    ]);
  });

  it('undoes everything made inside run(), nested commits included, on rollback', async () => {
    const tx = await openJoinedTransaction(database.db);
    await tx.run(async () => {
      await insert('gone-plain@example.com');
      await database.db
        .transaction()
        .execute((trx) => trx.insertInto('users').values(user('gone-nested@example.com')).execute());
    });
    await tx.rollback();
    expect(await emails('gone-plain@example.com', 'gone-nested@example.com')).toEqual([]);
  });

  it('rolls a failed nested transaction back to its savepoint and keeps the rest', async () => {
    const tx = await openJoinedTransaction(database.db);
    await tx.run(async () => {
      await insert('kept@example.com');
      await expect(
        database.db.transaction().execute(async (trx) => {
          await trx.insertInto('users').values(user('undone@example.com')).execute();
          throw new Error('the domain refused');
        }),
      ).rejects.toThrow('the domain refused');
    });
    await tx.commit();
    expect(await emails('kept@example.com', 'undone@example.com')).toEqual(['kept@example.com']);
  });

  it('survives a plain write that fails and is caught (a raced insert), and commits the rest', async () => {
    await insert('taken@example.com');
    const tx = await openJoinedTransaction(database.db);
    await tx.run(async () => {
      await expect(insert('taken@example.com')).rejects.toThrow();
      await insert('after-the-race@example.com');
    });
    await tx.commit();
    expect(await emails('after-the-race@example.com')).toEqual(['after-the-race@example.com']);
  });

  it('runs afterCommit work after the commit only, and drops it on rollback', async () => {
    const ran: string[] = [];
    const committed = await openJoinedTransaction(database.db);
    committed.run(() => afterCommit(() => ran.push('committed')));
    expect(ran).toEqual([]);
    await committed.commit();
    const rolledBack = await openJoinedTransaction(database.db);
    rolledBack.run(() => afterCommit(() => ran.push('rolled back')));
    await rolledBack.rollback();
    afterCommit(() => ran.push('outside'));
    expect(ran).toEqual(['committed', 'outside']);
  });

  it('does not let queries outside run() see or join the open transaction', async () => {
    const tx = await openJoinedTransaction(database.db);
    await tx.run(() => insert('invisible@example.com'));
    if (dialect === 'postgres') {
      // Another connection of the pool, which does not see the uncommitted row.
      expect(await emails('invisible@example.com')).toEqual([]);
      await tx.rollback();
    } else {
      // The one connection is the transaction's: the outside query waits for its end.
      const outside = emails('invisible@example.com');
      const early = await Promise.race([
        outside.then(() => 'answered'),
        new Promise((r) => setTimeout(() => r('waiting'), 100)),
      ]);
      expect(early).toBe('waiting');
      await tx.rollback();
      expect(await outside).toEqual([]);
    }
  });

  it('refuses to commit while a nested transaction started inside is still running', async () => {
    const tx = await openJoinedTransaction(database.db);
    let release!: () => void;
    const running = tx.run(() =>
      database.db.transaction().execute(async (trx) => {
        await trx.insertInto('users').values(user('outlived@example.com')).execute();
        await new Promise<void>((r) => (release = r));
      }),
    );
    await new Promise((r) => setTimeout(r, 50));
    await expect(tx.commit()).rejects.toThrow(/nested transaction is still running/);
    release();
    await running.catch(() => undefined);
    await tx.rollback();
    expect(await emails('outlived@example.com')).toEqual([]);
  });
});
