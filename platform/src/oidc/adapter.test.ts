import { createTestStore, testDialects } from '@gpuaas/test-support';
import type { TestStore } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../db/database.js';
import type { PlatformDatabase } from '../db/database.js';
import { DatabaseAdapter, sweepExpiredPayloads } from './adapter.js';

const dialects = await testDialects('platform OIDC adapter');

describe.each(dialects)('oidc-provider adapter on %s', (dialect) => {
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

  it('stores, updates, finds by id, uid and user code, and keeps models apart', async () => {
    const sessions = new DatabaseAdapter(database.db, 'Session');
    const devices = new DatabaseAdapter(database.db, 'DeviceCode');
    await sessions.upsert('s1', { uid: 'u1', accountId: 'a' }, 60);
    await sessions.upsert('s1', { uid: 'u1', accountId: 'b' }, 60);
    await devices.upsert('d1', { userCode: 'ABCD', grantId: 'g1' }, 60);
    expect(await sessions.find('s1')).toEqual({ uid: 'u1', accountId: 'b' });
    expect(await sessions.findByUid('u1')).toEqual({ uid: 'u1', accountId: 'b' });
    expect(await devices.findByUserCode('ABCD')).toMatchObject({ grantId: 'g1' });
    expect(await devices.find('s1')).toBeUndefined();
  });

  it('marks consumed payloads, hides expired ones, and deletes by id and by grant', async () => {
    const codes = new DatabaseAdapter(database.db, 'AuthorizationCode');
    const tokens = new DatabaseAdapter(database.db, 'RefreshToken');
    await codes.upsert('c1', { grantId: 'g2' }, 60);
    await codes.consume('c1');
    expect((await codes.find('c1'))?.consumed).toEqual(expect.any(Number));
    await codes.upsert('old', { grantId: 'g3' }, 0.001);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await codes.find('old')).toBeUndefined();
    await sweepExpiredPayloads(database.db);
    const left = await database.db.selectFrom('oidc_payloads').select('id').where('id', '=', 'old').execute();
    expect(left).toEqual([]);
    await tokens.upsert('r1', { grantId: 'g2' }, 60);
    await tokens.upsert('r2', { grantId: 'g9' }, 60);
    await tokens.revokeByGrantId('g2');
    expect(await tokens.find('r1')).toBeUndefined();
    expect(await tokens.find('r2')).toBeDefined();
    expect(await codes.find('c1')).toBeDefined();
    await codes.destroy('c1');
    expect(await codes.find('c1')).toBeUndefined();
  });
});
