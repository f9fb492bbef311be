import { createTestStore, requirePostgres, testDialects } from '@gpuaas/test-support';
import type { TestStore } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform } from '../testing/harness.js';
import type { TestPlatform } from '../testing/harness.js';
import { countRequest, sweepExpired } from './rate-limit.js';

const dialects = await testDialects('platform rate limits');
const postgres = await requirePostgres('platform rate limits across instances');

/** Parses `"name";r=5;t=30` into its parameters. */
function fields(header: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';').slice(1)) {
    const [k, v] = part.split('=');
    if (k !== undefined && v !== undefined) out[k.trim()] = v.trim();
  }
  return out;
}

describe.each(dialects)('rate limits on %s', (dialect) => {
  let t: TestPlatform;

  beforeAll(async () => {
    t = await startTestPlatform(dialect, {
      // Hour-long windows: a window boundary in the middle of a test is then very unlikely.
      rateLimit: {
        authenticated: { limit: 3, windowSeconds: 3600 },
        anonymous: { limit: 2, windowSeconds: 3600 },
      },
    });
  });
  afterAll(() => t?.close());

  it('counts per credential, announces the policy and answers 429 with Retry-After when exhausted', async () => {
    const { token } = await t.login('limited@example.com');
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await t.request('/v1/projects', { token });
      expect(res.status).toBe(200);
      expect(res.headers.get('ratelimit-policy')).toBe('"credential";q=3;w=3600');
      remaining.push(fields(res.headers.get('ratelimit')).r ?? '');
    }
    expect(remaining).toEqual(['2', '1', '0']);
    const limited = await t.request('/v1/projects', { token });
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect(fields(limited.headers.get('ratelimit')).t).toBe(String(retryAfter));
    expect(((await limited.json()) as { code: string }).code).toBe('RATE_LIMITED');

    // Another credential has its own budget.
    const other = (await t.login('unlimited@example.com')).token;
    expect((await t.request('/v1/projects', { token: other })).status).toBe(200);
  });

  it('limits anonymous callers per IP and leaves the probes alone', async () => {
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await t.request('/v1/openapi.json')).status);
    expect(statuses).toEqual([200, 200, 429]);
    const health = await t.request('/healthz');
    expect(health.status).toBe(200);
    expect(health.headers.get('ratelimit')).toBeNull();
  });

  it('counts failed authentication attempts against the client IP', async () => {
    const fresh = await startTestPlatform(dialect, {
      rateLimit: { anonymous: { limit: 2, windowSeconds: 3600 } },
    });
    try {
      const statuses = [];
      for (let i = 0; i < 3; i++) {
        const res = await fresh.request('/v1/projects', { headers: { authorization: `Bearer forged-${i}` } });
        statuses.push(res.status);
      }
      expect(statuses).toEqual([401, 401, 429]);
    } finally {
      await fresh.close();
    }
  });

  it('gives requests counted in the same turn consecutive counts (PostgreSQL: from one batched upsert)', async () => {
    let statements = 0;
    // A plugin sees every statement this Kysely instance runs, prepared ones included.
    const db = t.platform.db.withPlugin({
      transformQuery: (args) => args.node,
      transformResult: (args) => {
        statements += 1;
        return Promise.resolve(args.result);
      },
    });
    const policy = { limit: 20, windowSeconds: 3600 };
    const now = Date.now();
    const counts = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        countRequest(db, i % 5 === 4 ? 'batch-b' : 'batch-a', policy, now),
      ),
    );
    expect(counts.filter((_, i) => i % 5 !== 4).map((c) => c.count)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    expect(counts.filter((_, i) => i % 5 === 4).map((c) => c.count)).toEqual([1, 2, 3, 4, 5]);
    expect((await countRequest(db, 'batch-a', policy, now)).count).toBe(21);
    if (dialect === 'sqlite') {
      // One process serves a SQLite platform: its counters are its own, no statement at all.
      expect(statements).toBe(0);
      return;
    }
    expect(statements).toBe(3);
    const stored = await t.platform.db
      .selectFrom('rate_limit_windows')
      .select(['bucket', 'count'])
      .where('bucket', 'in', ['batch-a', 'batch-b'])
      .orderBy('bucket')
      .execute();
    expect(stored.map((r) => [r.bucket, Number(r.count)])).toEqual([
      ['batch-a', 21],
      ['batch-b', 5],
    ]);
  });

  it('starts a fresh window when the old one ends, and sweeps expired windows', async () => {
    const policy = { limit: 10, windowSeconds: 10 };
    const base = Math.floor(Date.now() / 10_000) * 10_000;
    expect((await countRequest(t.platform.db, 'unit', policy, base + 1000)).count).toBe(1);
    const second = await countRequest(t.platform.db, 'unit', policy, base + 2000);
    expect(second).toEqual({ count: 2, resetSeconds: 8 });
    expect((await countRequest(t.platform.db, 'unit', policy, base + 10_000)).count).toBe(1);
    await sweepExpired(t.platform.db, base + 60_000);
    // Swept, the ended windows are gone on both dialects: a late count starts one afresh.
    expect((await countRequest(t.platform.db, 'unit', policy, base + 2000)).count).toBe(1);
    const stored = await t.platform.db
      .selectFrom('rate_limit_windows')
      .select('count')
      .where('bucket', '=', 'unit')
      .execute();
    expect(stored.map((r) => Number(r.count))).toEqual(dialect === 'sqlite' ? [] : [1]);
  });
});

describe.skipIf(!postgres)('rate limits across two instances on one PostgreSQL', () => {
  let store: TestStore;
  let a: TestPlatform;
  let b: TestPlatform;

  beforeAll(async () => {
    store = await createTestStore('postgres');
    const options = {
      store,
      publicUrl: 'http://gpuaas.test',
      secretKey: Buffer.alloc(32, 5).toString('base64url'),
      rateLimit: { authenticated: { limit: 5, windowSeconds: 3600 } },
    };
    a = await startTestPlatform('postgres', options);
    b = await startTestPlatform('postgres', options);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await store?.drop();
  });

  it('shares one budget: of 12 concurrent requests spread over both, exactly 5 pass', async () => {
    const { token } = await a.login('shared@example.com');
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? a : b).request('/v1/projects', { token })),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(7);
  });
});
