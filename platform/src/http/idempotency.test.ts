import { createTestStore, requirePostgres, testDialects } from '@gpuaas/test-support';
import type { TestStore } from '@gpuaas/test-support';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isoTime } from '../ids.js';
import { startTestPlatform } from '../testing/harness.js';
import type { TestPlatform } from '../testing/harness.js';
import { canonicalJson, requestHash } from './idempotency.js';

const dialects = await testDialects('platform idempotency');
const postgres = await requirePostgres('platform idempotency across instances');

let keySeq = 0;
const newKey = () => `key-${Date.now()}-${++keySeq}`;

describe('canonicalJson / requestHash', () => {
  it('ignores object key order but nothing else', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (obj) => {
        const reversed = Object.fromEntries(Object.entries(obj).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(obj));
        expect(requestHash('POST', '/p', reversed)).toBe(requestHash('POST', '/p', obj));
      }),
    );
    expect(requestHash('POST', '/p', { a: 1 })).not.toBe(requestHash('POST', '/p', { a: 2 }));
    expect(requestHash('POST', '/p', { a: 1 })).not.toBe(requestHash('POST', '/q', { a: 1 }));
  });
});

describe.each(dialects)('Idempotency-Key on %s', (dialect) => {
  let t: TestPlatform;
  let alice: string;
  let bob: string;
  let aliceKeyScope: string;

  beforeAll(async () => {
    t = await startTestPlatform(dialect, { idempotency: { lockTimeoutSeconds: 2 } });
    const a = await t.login('idem-alice@example.com');
    alice = a.token;
    aliceKeyScope = `user:${a.user.id}`;
    bob = (await t.login('idem-bob@example.com')).token;
  });
  afterAll(() => t?.close());

  const create = (token: string, key: string, json: unknown) =>
    t.request('/v1/projects', { method: 'POST', token, json, headers: { 'idempotency-key': key } });
  const count = async (token: string) =>
    ((await (await t.request('/v1/projects?limit=100', { token })).json()) as { items: unknown[] }).items
      .length;

  it('replays the first response for a retry with the same key and body', async () => {
    const key = newKey();
    const first = await create(alice, key, { name: 'once' });
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const body = await first.text();
    const before = await count(alice);

    const again = await create(alice, key, { name: 'once' });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.text()).toBe(body);
    expect(again.headers.get('etag')).toBe(first.headers.get('etag'));
    expect(again.headers.get('location')).toBe(first.headers.get('location'));
    expect(await count(alice)).toBe(before);
  });

  it('answers 422 IDEMPOTENCY_KEY_REUSED for the same key with another body', async () => {
    const key = newKey();
    expect((await create(alice, key, { name: 'first-body' })).status).toBe(201);
    const res = await create(alice, key, { name: 'second-body' });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { code: string }).code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('keeps keys per caller', async () => {
    const key = newKey();
    expect((await create(alice, key, { name: 'mine' })).status).toBe(201);
    const other = await create(bob, key, { name: 'mine' });
    expect(other.status).toBe(201);
    expect(other.headers.get('idempotent-replayed')).toBeNull();
  });

  it('stores 4xx answers too, and replays them', async () => {
    await create(alice, newKey(), { name: 'taken' });
    const key = newKey();
    const conflict = await create(alice, key, { name: 'taken' });
    expect(conflict.status).toBe(409);
    const replay = await create(alice, key, { name: 'taken' });
    expect(replay.status).toBe(409);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
  });

  async function plantInFlight(key: string, body: unknown, lockedAgoMs: number) {
    const now = Date.now();
    await t.platform.db
      .insertInto('idempotency_keys')
      .values({
        scope: aliceKeyScope,
        key,
        method: 'POST',
        path: '/v1/projects',
        request_hash: requestHash('POST', '/v1/projects', body),
        state: 'in_flight',
        response_status: null,
        response_headers: null,
        response_body: null,
        created_at: isoTime(now - lockedAgoMs),
        locked_at: isoTime(now - lockedAgoMs),
        expires_at: isoTime(now + 86_400_000),
      })
      .execute();
  }

  it('answers 409 IDEMPOTENCY_IN_FLIGHT with Retry-After while the first request runs', async () => {
    const key = newKey();
    await plantInFlight(key, { name: 'busy' }, 0);
    const res = await create(alice, key, { name: 'busy' });
    expect(res.status).toBe(409);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(((await res.json()) as { code: string }).code).toBe('IDEMPOTENCY_IN_FLIGHT');
  });

  it('takes over a key whose in-flight lock is older than the lock timeout (crashed instance)', async () => {
    const key = newKey();
    await plantInFlight(key, { name: 'orphan' }, 10_000);
    const res = await create(alice, key, { name: 'orphan' });
    expect(res.status).toBe(201);
    expect((await create(alice, key, { name: 'orphan' })).headers.get('idempotent-replayed')).toBe('true');
  });

  it('forgets expired keys', async () => {
    const key = newKey();
    await create(alice, key, { name: 'old-one' });
    await t.platform.db
      .updateTable('idempotency_keys')
      .set({ expires_at: isoTime(Date.now() - 1000) })
      .where('key', '=', key)
      .execute();
    const res = await create(alice, key, { name: 'new-one' });
    expect(res.status).toBe(201);
    expect(res.headers.get('idempotent-replayed')).toBeNull();
  });
});

describe.skipIf(!postgres)('Idempotency-Key across two instances on one PostgreSQL', () => {
  let store: TestStore;
  let a: TestPlatform;
  let b: TestPlatform;
  let token: string;

  beforeAll(async () => {
    store = await createTestStore('postgres');
    const secretKey = Buffer.alloc(32, 3).toString('base64url');
    a = await startTestPlatform('postgres', { store, publicUrl: 'http://gpuaas.test', secretKey });
    b = await startTestPlatform('postgres', { store, publicUrl: 'http://gpuaas.test', secretKey });
    token = (await a.login('two@example.com')).token;
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await store?.drop();
  });

  const create = (t: TestPlatform, key: string, name: string) =>
    t.request('/v1/projects', { method: 'POST', token, json: { name }, headers: { 'idempotency-key': key } });

  it('replays on instance B what instance A stored', async () => {
    const key = newKey();
    const first = await create(a, key, 'across');
    expect(first.status).toBe(201);
    const replay = await create(b, key, 'across');
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await replay.json()).toEqual(await first.json());
  });

  it('creates exactly once when the same key hits both instances at the same time', async () => {
    for (let round = 0; round < 5; round++) {
      const key = newKey();
      const name = `race-${round}`;
      const results = await Promise.all([a, b, a, b].map((t) => create(t, key, name)));
      const fresh = results.filter((r) => r.status === 201 && r.headers.get('idempotent-replayed') === null);
      expect(fresh).toHaveLength(1);
      for (const r of results) expect([201, 409]).toContain(r.status);
      const listed = (await (await a.request('/v1/projects?limit=100', { token })).json()) as {
        items: { name: string }[];
      };
      expect(listed.items.filter((p) => p.name === name)).toHaveLength(1);
    }
  });
});
