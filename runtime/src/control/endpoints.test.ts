/**
 * The endpoint relay on a real runtime server (Unix socket, runtime secret) in front of a real app
 * server on 127.0.0.1: sub-paths and queries, streaming both ways, the secret never reaching the
 * app, refusals marked as the runtime's, and WebSocket upgrades.
 */
import { createServer, request } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { GpuaasAppManifest } from '@gpuaas/manifest-schema';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import type { AppState } from '../app/states.js';
import { startRuntimeServer } from '../server.js';
import type { RuntimeServer } from '../server.js';
import { RUNTIME_CODE_HEADER, appRequestHeaders, endpointRoutes, endpointTarget } from './endpoints.js';

const SECRET = 'endpoint-relay-secret-0123456789';

let app: Server;
let appPort: number;
let runtime: RuntimeServer;
let dir: string;
let current: { state: AppState; manifest: GpuaasAppManifest } | undefined;
/** Releases the app's held response (see `/hold`). */
let release: (() => void) | undefined;
const seenByWs: IncomingHttpHeaders[] = [];

function manifest(port: number): GpuaasAppManifest {
  return {
    apiVersion: 'gpuaas.dev/v1alpha1',
    name: 'relay-test',
    version: '1.0.0',
    publisher: 'gpuaas-tests',
    run: { entrypoint: ['true'] },
    resources: { minimum: { gpus: { count: 0 } } },
    endpoints: [
      { name: 'api', port, protocol: 'http', path: '/base' },
      { name: 'root', port },
      { name: 'raw', port, protocol: 'tcp' },
      // Nothing listens on port 1.
      { name: 'dead', port: 1 },
    ],
  };
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function call(
  method: string,
  path: string,
  options: { body?: string; headers?: Record<string, string>; secret?: boolean } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        socketPath: runtime.socketPath,
        method,
        path,
        headers: {
          ...(options.secret === false ? {} : { authorization: `Bearer ${SECRET}` }),
          ...options.headers,
        },
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

beforeAll(async () => {
  app = createServer((req, res) => {
    if (req.url === '/base/hold') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first\n');
      release = () => res.end('second\n');
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      res.writeHead(201, {
        'content-type': 'application/json',
        'x-app': 'yes',
        [RUNTIME_CODE_HEADER]: 'FAKE',
      });
      res.end(
        JSON.stringify({
          method: req.method,
          url: req.url,
          headers: req.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
    });
  });
  const wss = new WebSocketServer({ server: app });
  wss.on('connection', (socket, req) => {
    seenByWs.push(req.headers);
    socket.on('message', (data, binary) => socket.send(data, { binary }));
  });
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  appPort = (app.address() as AddressInfo).port;
  current = { state: 'ready', manifest: manifest(appPort) };
  dir = await mkdtemp('/tmp/gpuaas-ep-');
  const logger = pino({ level: 'silent' });
  runtime = await startRuntimeServer({
    socketPath: join(dir, 'rt.sock'),
    secret: SECRET,
    logger,
    routes: endpointRoutes({ instance: () => current, logger }),
  });
});

afterAll(async () => {
  await runtime?.close();
  app?.closeAllConnections();
  await new Promise((resolve) => app?.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

describe('endpointTarget', () => {
  it.each([
    ['base path and sub-path', 'api', 'v1/x', '?q=1', '/base', '/base/v1/x?q=1'],
    ['base path alone', 'api', '', '', '/base', '/base/'],
    ['default base path', 'root', 'a/b', '', '', '/a/b'],
  ])('%s', (_name, endpoint, rest, search, base, want) => {
    expect(endpointTarget({ state: 'ready', manifest: manifest(9) }, endpoint, rest, search)).toEqual({
      port: 9,
      base,
      path: want,
    });
  });

  it('relays a degraded app, refuses one that is not ready and endpoints not declared for http', () => {
    const m = manifest(9);
    expect(endpointTarget({ state: 'degraded', manifest: m }, 'api', '', '').port).toBe(9);
    for (const state of ['starting', 'upgrading', 'stopped'] as const)
      expect(() => endpointTarget({ state, manifest: m }, 'api', '', '')).toThrow(
        expect.objectContaining({ code: 'APP_NOT_READY' }),
      );
    expect(() => endpointTarget(undefined, 'api', '', '')).toThrow(
      expect.objectContaining({ code: 'APP_NOT_READY' }),
    );
    for (const name of ['raw', 'nope'])
      expect(() => endpointTarget({ state: 'ready', manifest: m }, name, '', '')).toThrow(
        expect.objectContaining({ code: 'APP_ENDPOINT_NOT_FOUND' }),
      );
  });

  it('passes end-to-end headers only: no secret, no hop-by-hop, nothing the Connection header names', () => {
    const out = appRequestHeaders(
      {
        authorization: 'Bearer s',
        connection: 'keep-alive, x-private',
        'x-private': '1',
        'keep-alive': 'timeout=5',
        'transfer-encoding': 'chunked',
        host: 'runtime',
        'x-forwarded-for': '10.0.0.1',
        accept: 'text/plain',
      },
      false,
    );
    expect(out).toEqual({ 'x-forwarded-for': '10.0.0.1', accept: 'text/plain' });
  });
});

describe('the relay on a runtime server', () => {
  it('forwards method, sub-path and query to the app; keeps its status and headers; drops the secret', async () => {
    const res = await call('PUT', '/v1/app/endpoints/api/v1/items/7?full=true&x=%2F', {
      body: '{"a":1}',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.9' },
    });
    expect(res.status).toBe(201);
    expect(res.headers['x-app']).toBe('yes');
    // The app cannot make its answer look like the runtime's refusal.
    expect(res.headers[RUNTIME_CODE_HEADER]).toBeUndefined();
    const seen = JSON.parse(res.body) as {
      method: string;
      url: string;
      headers: IncomingHttpHeaders;
      body: string;
    };
    expect(seen).toMatchObject({ method: 'PUT', url: '/base/v1/items/7?full=true&x=%2F', body: '{"a":1}' });
    expect(seen.headers.authorization).toBeUndefined();
    expect(seen.headers['x-forwarded-for']).toBe('203.0.113.9');
  });

  it('streams the answer: the first bytes arrive while the app still holds the rest', async () => {
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      request(
        {
          socketPath: runtime.socketPath,
          path: '/v1/app/endpoints/api/hold',
          headers: { authorization: `Bearer ${SECRET}` },
        },
        resolve,
      )
        .on('error', reject)
        .end();
    });
    expect(res.statusCode).toBe(200);
    const iterator = res[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    expect(await firstChunk(iterator)).toBe('first\n');
    expect(release).toBeDefined();
    release?.();
    let rest = '';
    for (let next = await iterator.next(); next.done !== true; next = await iterator.next())
      rest += next.value.toString();
    expect(rest).toBe('second\n');
  });

  it('streams a large request body through', async () => {
    const body = 'x'.repeat(5 * 1024 * 1024);
    const res = await call('POST', '/v1/app/endpoints/root/upload', { body });
    expect(res.status).toBe(201);
    expect((JSON.parse(res.body) as { body: string }).body.length).toBe(body.length);
  });

  it('refuses with the runtime code (and its header): unknown, tcp, not ready, unreachable', async () => {
    const expectRefusal = (res: Answer, status: number, code: string) => {
      expect(res.status).toBe(status);
      expect(res.headers[RUNTIME_CODE_HEADER]).toBe(code);
      expect(JSON.parse(res.body)).toMatchObject({ code });
    };
    expectRefusal(await call('GET', '/v1/app/endpoints/nope/'), 404, 'APP_ENDPOINT_NOT_FOUND');
    expectRefusal(await call('GET', '/v1/app/endpoints/raw/'), 404, 'APP_ENDPOINT_NOT_FOUND');
    expectRefusal(await call('GET', '/v1/app/endpoints/dead/'), 502, 'APP_ENDPOINT_UNREACHABLE');
    const saved = current;
    current = { state: 'starting', manifest: manifest(appPort) };
    try {
      expectRefusal(await call('GET', '/v1/app/endpoints/api/'), 409, 'APP_NOT_READY');
    } finally {
      current = saved;
    }
  });

  it('lists the declared endpoints with their console UI settings, behind the secret', async () => {
    current = {
      state: 'ready',
      manifest: {
        ...manifest(appPort),
        endpoints: [
          { name: 'api', port: appPort },
          { name: 'ui', port: appPort, protocol: 'http', ui: { title: 'Dashboard', path: '/ui/' } },
        ],
      },
    };
    try {
      expect((await call('GET', '/v1/app/endpoints', { secret: false })).status).toBe(401);
      const listed = await call('GET', '/v1/app/endpoints');
      expect(listed.status).toBe(200);
      expect(JSON.parse(listed.body)).toEqual({
        state: 'ready',
        endpoints: [
          { name: 'api', protocol: 'http' },
          { name: 'ui', protocol: 'http', ui: { title: 'Dashboard', path: '/ui/' } },
        ],
      });
      current = undefined;
      expect(JSON.parse((await call('GET', '/v1/app/endpoints')).body)).toEqual({
        state: null,
        endpoints: [],
      });
    } finally {
      current = { state: 'ready', manifest: manifest(appPort) };
    }
  });

  it('needs the runtime secret, and dot segments never climb out of the endpoint', async () => {
    expect((await call('GET', '/v1/app/endpoints/api/', { secret: false })).status).toBe(401);
    const climbed = await call('GET', '/v1/app/endpoints/api/../../../health');
    // Resolved to /v1/health (the runtime's own), never sent to the app as /base/../…
    expect(JSON.parse(climbed.body)).toMatchObject({ status: 'ok' });
  });

  it('relays a WebSocket upgrade both ways, without the secret', async () => {
    const ws = new WebSocket(`ws+unix:${runtime.socketPath}:/v1/app/endpoints/api/ws?room=1`, {
      headers: { authorization: `Bearer ${SECRET}` },
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const echoed = new Promise<string>((resolve) =>
      ws.once('message', (data: Buffer) => resolve(data.toString())),
    );
    ws.send('ping through the relay');
    expect(await echoed).toBe('ping through the relay');
    ws.close();
    const headers = seenByWs.at(-1);
    expect(headers?.authorization).toBeUndefined();
  });

  it('refuses an upgrade to an undeclared endpoint before upgrading', async () => {
    const ws = new WebSocket(`ws+unix:${runtime.socketPath}:/v1/app/endpoints/nope/ws`, {
      headers: { authorization: `Bearer ${SECRET}` },
    });
    const status = await new Promise<number>((resolve) => {
      ws.once('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
        res.resume();
      });
      ws.once('error', () => resolve(-1));
    });
    expect(status).toBe(404);
  });
});

/** The next chunk of a response as text ('' at its end). */
async function firstChunk(chunks: AsyncIterator<Buffer>): Promise<string> {
  const next: IteratorResult<Buffer, unknown> = await chunks.next();
  return next.done === true ? '' : next.value.toString();
}
