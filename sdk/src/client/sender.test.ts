import { startHttpServer } from '@gpuaas/test-support';
import type { TestHttpServer } from '@gpuaas/test-support';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { isSdkError } from '../errors.js';
import { ApiError } from './api-error.js';
import { createPlatformClient, listAll } from './client.js';
import type { TokenProvider } from './tokens.js';

const servers: TestHttpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

function problem(status: number, code: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    type: `/docs/errors#${code}`,
    title: code,
    status,
    code,
    correlation_id: 'corr-12345678',
    ...extra,
  });
}

async function serve(handler: Parameters<typeof startHttpServer>[0]): Promise<TestHttpServer> {
  const s = await startHttpServer(handler);
  servers.push(s);
  return s;
}

const waits: number[] = [];
const sleep = (ms: number): Promise<void> => {
  waits.push(ms);
  return Promise.resolve();
};

describe('request sender', () => {
  it('reuses one Idempotency-Key and correlation id across a retried POST after a dropped connection', async () => {
    let created = 0;
    const byKey = new Map<string, string>();
    const server = await serve((req, res) => {
      const key = String(req.headers['idempotency-key']);
      const first = !byKey.has(key);
      if (first) byKey.set(key, JSON.stringify({ id: `p${++created}`, name: 'demo' }));
      if (first) {
        // Processed, then the connection drops before the answer reaches the client.
        res.socket?.destroy();
        return;
      }
      res
        .writeHead(201, { 'content-type': 'application/json', 'idempotent-replayed': 'true' })
        .end(byKey.get(key));
    });
    const client = createPlatformClient({ baseUrl: server.url, token: 't0ken', sleep });
    const { data, response } = await client.api.POST('/v1/projects', { body: { name: 'demo' } });
    expect(data).toMatchObject({ id: 'p1' });
    expect(created).toBe(1);
    expect(response.headers.get('idempotent-replayed')).toBe('true');
    const [a, b] = server.requests;
    expect(a!.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
    expect(b!.headers['idempotency-key']).toBe(a!.headers['idempotency-key']);
    expect(b!.headers['x-correlation-id']).toBe(a!.headers['x-correlation-id']);
    expect(b!.body.toString()).toBe('{"name":"demo"}');
  });

  it.each([
    ['429 with Retry-After', 429, 'RATE_LIMITED', { 'retry-after': '2' }, 2000],
    ['409 in flight', 409, 'IDEMPOTENCY_IN_FLIGHT', { 'retry-after': '1' }, 1000],
    ['503', 503, 'NOT_READY', {}, 0],
  ] as const)('retries %s and honours Retry-After', async (_name, status, code, headers, minWait) => {
    waits.length = 0;
    let calls = 0;
    const server = await serve((_req, res) => {
      if (calls++ === 0) {
        res
          .writeHead(status, { 'content-type': 'application/problem+json', ...headers })
          .end(problem(status, code));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"items":[],"next_cursor":null}');
    });
    const client = createPlatformClient({ baseUrl: server.url, token: 't', sleep });
    const { data } = await client.api.GET('/v1/projects');
    expect(data?.items).toEqual([]);
    expect(calls).toBe(2);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThanOrEqual(minWait);
  });

  it('maps problem+json to ApiError with code, status and correlation id, without credentials', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(400, { 'content-type': 'application/problem+json' }).end(
        problem(400, 'VALIDATION_FAILED', {
          detail: 'bad name',
          errors: [{ in: 'body', pointer: '/name', detail: 'must match' }],
        }),
      );
    });
    const client = createPlatformClient({ baseUrl: server.url, token: 'secret-token-value', sleep });
    const error = await client.api.POST('/v1/projects', { body: { name: 'X' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    const e = error as ApiError;
    expect([e.code, e.status, e.correlationId, e.detail]).toEqual([
      'VALIDATION_FAILED',
      400,
      'corr-12345678',
      'bad name',
    ]);
    expect(e.errors[0]?.pointer).toBe('/name');
    expect(JSON.stringify({ ...e, message: e.message, stack: e.stack })).not.toContain('secret-token-value');
  });

  it('gives up after maxRetries with API_UNREACHABLE on connection errors', async () => {
    const server = await serve((_req, res) => void res.socket?.destroy());
    const client = createPlatformClient({ baseUrl: server.url, token: 't', sleep, retry: { maxRetries: 2 } });
    const error = await client.api.GET('/v1/projects').catch((e: unknown) => e);
    expect(isSdkError(error) && error.code).toBe('API_UNREACHABLE');
    expect(server.requests).toHaveLength(3);
  });

  it('asks the provider again with forceRefresh after 401 TOKEN_EXPIRED', async () => {
    const server = await serve((req, res) => {
      if (req.headers.authorization !== 'Bearer fresh') {
        res.writeHead(401, { 'content-type': 'application/problem+json' }).end(problem(401, 'TOKEN_EXPIRED'));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"u","email":"a@b.c"}');
    });
    const calls: boolean[] = [];
    const tokenProvider: TokenProvider = {
      source: 'login',
      getToken: ({ forceRefresh = false } = {}) => {
        calls.push(forceRefresh);
        return Promise.resolve(forceRefresh ? 'fresh' : 'stale');
      },
    };
    const client = createPlatformClient({ baseUrl: server.url, tokenProvider, sleep });
    const { data } = await client.api.GET('/v1/users/me');
    expect(data?.email).toBe('a@b.c');
    expect(calls).toEqual([false, true]);
  });

  it('listAll walks every page by next_cursor', async () => {
    const server = await serve((req, res) => {
      const cursor = req.url.searchParams.get('cursor');
      const page =
        cursor === null
          ? { items: [{ n: 1 }, { n: 2 }], next_cursor: 'c2' }
          : { items: [{ n: 3 }], next_cursor: null };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(page));
    });
    const client = createPlatformClient({ baseUrl: server.url, token: 't', sleep });
    const seen: unknown[] = [];
    for await (const p of listAll((cursor) =>
      client.api.GET('/v1/projects', { params: { query: cursor ? { cursor } : {} } }),
    )) {
      seen.push(p);
    }
    expect(seen).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
  });

  it('an abort still closes a streamed response after the requests it went through were garbage-collected', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    let closed!: () => void;
    const connectionClosed = new Promise<void>((resolve) => (closed = resolve));
    const server = await serve((_req, res, raw) => {
      // An event stream that never ends by itself, as GET /v1/events.
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('retry: 2000\n\n');
      raw.socket.on('close', closed);
    });
    const client = createPlatformClient({ baseUrl: server.url, token: 't', sleep });
    const stop = new AbortController();
    const response = await client.request('GET', '/v1/events', { signal: stop.signal });
    const reader = response.body!.getReader();
    await reader.read();
    const ended = reader.read().then(
      () => 'ended',
      () => 'aborted',
    );
    // What a long wait does to the Request objects: nothing holds them any more.
    for (let i = 0; i < 3; i++) {
      gc();
      await new Promise((r) => setImmediate(r));
    }
    stop.abort();
    const late = new Promise((r) => setTimeout(r, 5000, 'still open')).then(String);
    expect(await Promise.race([ended, late])).toBe('aborted');
    await connectionClosed;
  });
});
