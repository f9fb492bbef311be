/**
 * The sdk's typed client against a real platform (in-process, ephemeral port): typed calls,
 * pagination, problem+json → ApiError, an idempotent retry after a lost response, 429 with
 * Retry-After, and tokens from a refreshing provider.
 */
import { PassThrough } from 'node:stream';
import { createPlatform, main as platformMain } from '@gpuaas/platform';
import type { Platform } from '@gpuaas/platform';
import { ApiError, createPlatformClient, listAll } from '@gpuaas/sdk';
import type { TokenProvider } from '@gpuaas/sdk';
import { createTestStore } from '@gpuaas/test-support';
import type { TestStore } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

async function mintToken(store: TestStore, email: string, ttl?: number): Promise<string> {
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  const code = await platformMain(
    [
      ...['node', 'gpuaas-platform', 'token', '--data-dir', store.dataDir, '--user', email, '--json'],
      ...(ttl === undefined ? [] : ['--ttl', String(ttl)]),
    ],
    { stdout, stderr: new PassThrough(), env: {} },
  );
  expect(code).toBe(0);
  return (JSON.parse(out) as { access_token: string }).access_token;
}

describe('platform client against a real platform', () => {
  let store: TestStore;
  let platform: Platform;
  let url: string;
  let token: string;

  beforeAll(async () => {
    store = await createTestStore('sqlite');
    platform = await createPlatform({
      dataDir: store.dataDir,
      log: { level: 'silent' },
      defaultMetrics: false,
      rateLimit: { authenticated: { limit: 15, windowSeconds: 2 } },
    });
    url = (await platform.listen({ port: 0 })).url;
    token = await mintToken(store, 'client@example.com');
  });
  afterAll(async () => {
    await platform?.close({ graceMs: 500 });
    await store?.drop();
  });

  it('replays a POST whose response was lost instead of creating twice, and pages through lists', async () => {
    let dropped = false;
    const seenKeys: (string | null)[] = [];
    const client = createPlatformClient({
      baseUrl: url,
      token,
      fetch: async (request) => {
        seenKeys.push(request.headers.get('idempotency-key'));
        const response = await fetch(request);
        if (request.method === 'POST' && !dropped) {
          dropped = true; // the server has processed it; the client never sees the answer
          throw new TypeError('fetch failed: socket hang up');
        }
        return response;
      },
    });
    const { data, response } = await client.api.POST('/v1/projects', { body: { name: 'once-only' } });
    expect(data?.name).toBe('once-only');
    expect(response.headers.get('idempotent-replayed')).toBe('true');
    expect(seenKeys).toHaveLength(2);
    expect(seenKeys[1]).toBe(seenKeys[0]);

    for (const name of ['p-a', 'p-b', 'p-c']) await client.api.POST('/v1/projects', { body: { name } });
    const names: string[] = [];
    for await (const p of listAll((cursor) =>
      client.api.GET('/v1/projects', { params: { query: cursor ? { limit: 2, cursor } : { limit: 2 } } }),
    )) {
      names.push(p.name);
    }
    expect(names.filter((n) => n === 'once-only')).toHaveLength(1);
    expect(names).toEqual(expect.arrayContaining(['once-only', 'p-a', 'p-b', 'p-c']));
  });

  it('throws ApiError with the platform code, status and correlation id', async () => {
    const client = createPlatformClient({ baseUrl: url, token });
    const error = await client.api
      .GET('/v1/projects/{project_id}', {
        params: { path: { project_id: '0190f5c2-8a4e-7c31-9d7e-2b1f0c6a1e55' } },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'NOT_FOUND', status: 404 });
    expect((error as ApiError).correlationId).toMatch(/^[A-Za-z0-9._-]{8,128}$/);
  });

  it('forces one refresh from the token provider when the platform says TOKEN_EXPIRED', async () => {
    const shortLived = await mintToken(store, 'client@example.com', 1);
    await new Promise((r) => setTimeout(r, 2100));
    const asked: boolean[] = [];
    const provider: TokenProvider = {
      source: 'login',
      getToken: ({ forceRefresh = false } = {}) => {
        asked.push(forceRefresh);
        return Promise.resolve(forceRefresh ? token : shortLived);
      },
    };
    const client = createPlatformClient({ baseUrl: url, tokenProvider: provider });
    const { data } = await client.api.GET('/v1/users/me');
    expect(data?.email).toBe('client@example.com');
    expect(asked).toEqual([false, true]);
  });

  it('waits out 429 Retry-After and then succeeds', async () => {
    const waits: number[] = [];
    const client = createPlatformClient({
      baseUrl: url,
      token,
      sleep: (ms) => {
        waits.push(ms);
        return new Promise((r) => setTimeout(r, ms));
      },
    });
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await client.api.GET('/v1/users/me')).response.status);
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(waits.length).toBeGreaterThan(0);
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(1000);
  });
});
