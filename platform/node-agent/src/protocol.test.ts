import { freePort, startHttpServer } from '@gpuaas/test-support';
import type { RecordedRequest, TestHttpServer } from '@gpuaas/test-support';
import { staticTokenProvider } from '@gpuaas/sdk';
import type { TokenProvider } from '@gpuaas/sdk';
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { httpAgentTransport } from './protocol.js';

const noWait = () => Promise.resolve();

/** What the fake platform answers next on a path, before its normal answer (then consumed). */
const scripted = new Map<string, ((res: ServerResponse) => void)[]>();

const problem = (res: ServerResponse, status: number, code: string, title: string, detail: string) =>
  res
    .writeHead(status, { 'content-type': 'application/problem+json' })
    .end(JSON.stringify({ code, title, detail, status }));

describe('httpAgentTransport', () => {
  let server: TestHttpServer;
  const onPath = (path: string): RecordedRequest[] => server.requests.filter((r) => r.url.pathname === path);
  beforeAll(async () => {
    server = await startHttpServer((request, res) => {
      const path = request.url.pathname;
      const next = scripted.get(path)?.shift();
      if (next !== undefined) return next(res);
      if (path === '/v1/nodes') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: 'n-1', name: 'gpu-a', status: 'ready' }));
      } else if (path === '/v1/nodes/n-1/heartbeat') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ heartbeat_interval_ms: 5000, assignments: [] }));
      } else if (path === '/v1/nodes/gone/heartbeat') {
        problem(res, 404, 'NOT_FOUND', 'Not found', 'no node gone');
      } else {
        res.writeHead(502, { 'content-type': 'text/html' });
        res.end('<html>bad gateway</html>');
      }
    });
  });
  beforeEach(() => scripted.clear());
  afterAll(() => server.stop());

  it('registers and heartbeats with a bearer token, JSON bodies and a correlation id', async () => {
    let calls = 0;
    const tokenProvider: TokenProvider = {
      source: 'token',
      getToken: () => Promise.resolve(`tok-${++calls}`),
    };
    const transport = httpAgentTransport({ baseUrl: `${server.url}/`, tokenProvider });
    const node = await transport.register({ name: 'gpu-a', inventory: { gpus: [] }, agent_version: '0.1.0' });
    expect(node).toEqual({ id: 'n-1', name: 'gpu-a' });
    const answer = await transport.heartbeat('n-1', { allocations: [{ id: 'a', state: 'running' }] });
    expect(answer).toEqual({ heartbeat_interval_ms: 5000, assignments: [] });
    const [register, heartbeat] = server.requests.slice(-2);
    expect(register).toMatchObject({
      method: 'POST',
      headers: {
        authorization: 'Bearer tok-1',
        'content-type': 'application/json',
        'user-agent': expect.stringMatching(/^gpuaas-node-agent\//) as string,
        'x-correlation-id': expect.any(String) as string,
      },
    });
    expect(JSON.parse(register!.body.toString())).toEqual({
      name: 'gpu-a',
      inventory: { gpus: [] },
      agent_version: '0.1.0',
    });
    expect(heartbeat!.headers.authorization).toBe('Bearer tok-2');
    expect(JSON.parse(heartbeat!.body.toString())).toEqual({ allocations: [{ id: 'a', state: 'running' }] });
  });

  it('retries a 503 and a lost connection with the same Idempotency-Key and correlation id', async () => {
    const waits: number[] = [];
    scripted.set('/v1/nodes', [
      (res) => problem(res, 503, 'NOT_READY', 'Not ready', 'starting'),
      (res) => res.socket?.destroy(),
    ]);
    const transport = httpAgentTransport({
      baseUrl: server.url,
      tokenProvider: staticTokenProvider('t'),
      sleep: (ms) => (waits.push(ms), Promise.resolve()),
    });
    const before = onPath('/v1/nodes').length;
    const node = await transport.register({ name: 'gpu-a', inventory: { gpus: [] }, agent_version: '0' });
    expect(node.id).toBe('n-1');
    const attempts = onPath('/v1/nodes').slice(before);
    expect(attempts).toHaveLength(3);
    const key = attempts[0]!.headers['idempotency-key'];
    expect(key).toMatch(/^[0-9a-f-]{36}$/);
    expect(attempts.map((a) => a.headers['idempotency-key'])).toEqual([key, key, key]);
    const correlation = attempts[0]!.headers['x-correlation-id'];
    expect(attempts.map((a) => a.headers['x-correlation-id'])).toEqual([
      correlation,
      correlation,
      correlation,
    ]);
    expect(waits).toHaveLength(2);
  });

  it('each heartbeat is its own operation: a new Idempotency-Key per call', async () => {
    const transport = httpAgentTransport({ baseUrl: server.url, tokenProvider: staticTokenProvider('t') });
    await transport.heartbeat('n-1', { allocations: [] });
    await transport.heartbeat('n-1', { allocations: [] });
    const [first, second] = onPath('/v1/nodes/n-1/heartbeat').slice(-2);
    expect(first!.headers['idempotency-key']).not.toBe(second!.headers['idempotency-key']);
  });

  it('asks for a fresh token once when the platform says the token expired', async () => {
    scripted.set('/v1/nodes/n-1/heartbeat', [
      (res) => problem(res, 401, 'TOKEN_EXPIRED', 'Token expired', 'expired'),
    ]);
    const asked: boolean[] = [];
    const tokenProvider: TokenProvider = {
      source: 'token',
      getToken: ({ forceRefresh = false } = {}) => (
        asked.push(forceRefresh),
        Promise.resolve(`tok-${asked.length}`)
      ),
    };
    const transport = httpAgentTransport({ baseUrl: server.url, tokenProvider, sleep: noWait });
    await transport.heartbeat('n-1', { allocations: [] });
    expect(asked).toEqual([false, true]);
    expect(onPath('/v1/nodes/n-1/heartbeat').at(-1)!.headers.authorization).toBe('Bearer tok-2');
  });

  it('turns a problem+json answer into an ApiError with its code, status and correlation id', async () => {
    const transport = httpAgentTransport({ baseUrl: server.url, tokenProvider: staticTokenProvider('t') });
    await expect(transport.heartbeat('gone', { allocations: [] })).rejects.toMatchObject({
      name: 'ApiError',
      code: 'NOT_FOUND',
      status: 404,
      detail: 'no node gone',
      request: 'POST /v1/nodes/gone/heartbeat',
    });
  });

  it('reports a non-problem error page with its status, after the retries', async () => {
    const waits: number[] = [];
    const transport = httpAgentTransport({
      baseUrl: server.url,
      tokenProvider: staticTokenProvider('t'),
      retry: { maxRetries: 2 },
      sleep: (ms) => (waits.push(ms), Promise.resolve()),
    });
    await expect(transport.heartbeat('other', { allocations: [] })).rejects.toMatchObject({
      name: 'ApiError',
      code: 'HTTP_502',
      status: 502,
    });
    expect(waits).toHaveLength(2);
  });

  it('says the platform is unreachable when nothing listens', async () => {
    const transport = httpAgentTransport({
      baseUrl: `http://127.0.0.1:${await freePort()}`,
      tokenProvider: staticTokenProvider('t'),
      sleep: noWait,
    });
    await expect(
      transport.register({ name: 'x', inventory: { gpus: [] }, agent_version: '0' }),
    ).rejects.toMatchObject({
      name: 'SdkError',
      code: 'API_UNREACHABLE',
      message: expect.stringMatching(/POST \/v1\/nodes on http:\/\/127\.0\.0\.1:\d+ failed/) as string,
    });
  });

  it('gives up on an attempt that hangs past its timeout and tries again', async () => {
    scripted.set('/v1/nodes', [() => undefined]); // never answered
    const transport = httpAgentTransport({
      baseUrl: server.url,
      tokenProvider: staticTokenProvider('t'),
      timeoutMs: 200,
      sleep: noWait,
    });
    const started = Date.now();
    expect(
      (await transport.register({ name: 'gpu-a', inventory: { gpus: [] }, agent_version: '0' })).id,
    ).toBe('n-1');
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
