import { freePort, startHttpServer } from '@gpuaas/test-support';
import type { TestHttpServer } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpAgentTransport } from './protocol.js';

describe('httpAgentTransport', () => {
  let server: TestHttpServer;
  beforeAll(async () => {
    server = await startHttpServer((request, res) => {
      const path = request.url.pathname;
      if (path === '/v1/nodes') {
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: 'n-1', name: 'gpu-a', status: 'ready' }));
      } else if (path === '/v1/nodes/n-1/heartbeat') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ heartbeat_interval_ms: 5000, assignments: [] }));
      } else if (path === '/v1/nodes/gone/heartbeat') {
        res.writeHead(404, { 'content-type': 'application/problem+json' });
        res.end(
          JSON.stringify({ code: 'NOT_FOUND', title: 'Not found', detail: 'no node gone', status: 404 }),
        );
      } else {
        res.writeHead(502, { 'content-type': 'text/html' });
        res.end('<html>bad gateway</html>');
      }
    });
  });
  afterAll(() => server.stop());

  it('registers and heartbeats with a bearer token and JSON bodies', async () => {
    let calls = 0;
    const transport = httpAgentTransport({ baseUrl: `${server.url}/`, token: () => `tok-${++calls}` });
    const node = await transport.register({ name: 'gpu-a', inventory: { gpus: [] }, agent_version: '0.1.0' });
    expect(node.id).toBe('n-1');
    const answer = await transport.heartbeat('n-1', { allocations: [{ id: 'a', state: 'running' }] });
    expect(answer).toEqual({ heartbeat_interval_ms: 5000, assignments: [] });
    const [register, heartbeat] = server.requests.slice(-2);
    expect(register).toMatchObject({
      method: 'POST',
      headers: { authorization: 'Bearer tok-1', 'content-type': 'application/json' },
    });
    expect(JSON.parse(register!.body.toString())).toEqual({
      name: 'gpu-a',
      inventory: { gpus: [] },
      agent_version: '0.1.0',
    });
    expect(heartbeat!.headers.authorization).toBe('Bearer tok-2');
    expect(JSON.parse(heartbeat!.body.toString())).toEqual({ allocations: [{ id: 'a', state: 'running' }] });
  });

  it('turns a problem+json answer into a PlatformError with its code', async () => {
    const transport = httpAgentTransport({ baseUrl: server.url, token: () => Promise.resolve('t') });
    await expect(transport.heartbeat('gone', { allocations: [] })).rejects.toMatchObject({
      name: 'PlatformError',
      code: 'NOT_FOUND',
      message: expect.stringMatching(/heartbeat failed with HTTP 404: NOT_FOUND: Not found: no node gone/),
    });
  });

  it('reports a non-problem error page with its status and text', async () => {
    const transport = httpAgentTransport({ baseUrl: server.url, token: () => 't' });
    await expect(transport.heartbeat('other', { allocations: [] })).rejects.toThrow(
      /HTTP 502: <html>bad gateway/,
    );
  });

  it('says the platform is unreachable when nothing listens', async () => {
    const transport = httpAgentTransport({
      baseUrl: `http://127.0.0.1:${await freePort()}`,
      token: () => 't',
    });
    await expect(
      transport.register({ name: 'x', inventory: { gpus: [] }, agent_version: '0' }),
    ).rejects.toMatchObject({
      code: 'NOT_READY',
      message: expect.stringMatching(/platform unreachable/),
    });
  });
});
