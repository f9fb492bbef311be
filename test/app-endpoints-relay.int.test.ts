/**
 * The platform's endpoint relay (platform/src/apps/endpoint-proxy.ts) in front of a real runtime
 * server (its endpoint routes, over its Unix socket) in front of a real app on 127.0.0.1: streaming
 * both ways without buffering, the runtime's refusals as the platform's codes, and WebSocket
 * upgrades. Here rather than beside the relay because the server does not depend on the runtime.
 */
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import type { AddressInfo, Server as NetServer } from 'node:net';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import type { GpuaasAppManifest } from '@gpuaas/manifest-schema';
import { relayEndpointRequest, relayEndpointUpgrade } from '@gpuaas/platform';
import type { EndpointRequest, PlatformError } from '@gpuaas/platform';
import { forwardRuntime, loadRuntimeTls } from '@gpuaas/node-agent';
import type { RuntimeForward, RuntimeTls } from '@gpuaas/node-agent';
import { endpointRoutes, startRuntimeServer } from '@gpuaas/runtime';
import type { RuntimeServer } from '@gpuaas/runtime';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';

const SECRET = 'relay-int-secret-0123456789';
let dir: string;
let app: Server;
let runtime: RuntimeServer;
let front: Server;
let state = 'ready';
let port = 0;
/** An HTTP/1.0 app: it closes the connection after each answer. */
let oldApp: NetServer;
let oldPort = 0;
let release: (() => void) | undefined;
/** The endpoint's base path in the running app's manifest (a test moves it). */
let apiBase = '/base';
/** Connections the app accepted. */
let appConnections = 0;
const runtimeHandled = { requests: 0, upgrades: 0 };
const wsHeaders: IncomingHttpHeaders[] = [];

const manifest = (): GpuaasAppManifest => ({
  apiVersion: 'gpuaas.dev/v1alpha1',
  name: 'relay-int',
  version: '1.0.0',
  publisher: 'gpuaas-tests',
  run: { entrypoint: ['true'] },
  resources: { minimum: { gpus: { count: 0 } } },
  endpoints: [
    { name: 'api', port, path: apiBase },
    { name: 'old', port: oldPort },
    { name: 'dead', port: 1 },
  ],
});

const target = () => ({ endpoint: `unix:${runtime.socketPath}`, secret: SECRET });

function relayed(path: string, init: Partial<EndpointRequest> = {}): EndpointRequest {
  return {
    endpoint: 'api',
    path,
    search: '',
    method: 'GET',
    headers: {},
    forwarded: {
      for: '127.0.0.1',
      host: 'platform.test',
      proto: 'http',
      prefix: '/v1/allocations/a/app/endpoints/api',
    },
    principal: { type: 'user', id: 'u-1', operator: false, scopes: undefined },
    correlationId: 'relay-int-0001',
    ...init,
  };
}

async function refusal(
  promise: Promise<unknown>,
): Promise<{ code: string; runtimeCode: string | undefined }> {
  const error = (await promise.then(
    () => undefined,
    (e: unknown) => e,
  )) as PlatformError | undefined;
  expect(error, 'the relay should refuse').toBeDefined();
  return { code: error?.code ?? '', runtimeCode: error?.runtimeCode };
}

beforeAll(async () => {
  dir = await mkdtemp('/tmp/gpuaas-relay-');
  app = createServer((req, res) => {
    if (req.url === '/base/hold') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first\n');
      release = () => res.end('second\n');
    } else if (req.url === '/base/fake-refusal') {
      // An app cannot pass its answer off as the runtime's refusal.
      res.writeHead(200, { 'x-gpuaas-runtime-code': 'APP_NOT_READY', 'content-type': 'text/plain' });
      res.end('the app answered');
    } else if (req.url === '/base/echo-stream') {
      // Answers at once and echoes the request body as it arrives.
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      req.pipe(res);
    } else {
      res.writeHead(418, { 'set-cookie': 'a=1', 'x-app': 'yes' });
      res.end(JSON.stringify({ url: req.url, headers: req.headers }));
    }
  });
  const wss = new WebSocketServer({
    server: app,
    handleProtocols: (offered) => (offered.has('chat') ? 'chat' : false),
  });
  wss.on('connection', (socket, req) => {
    wsHeaders.push(req.headers);
    socket.on('message', (data: Buffer) => socket.send(`echo: ${data.toString()}`));
  });
  oldApp = createNetServer((socket) => {
    socket.once('data', () => socket.end('HTTP/1.0 200 OK\r\ncontent-type: text/plain\r\n\r\nold app'));
  });
  oldApp.listen(0, '127.0.0.1');
  await once(oldApp, 'listening');
  oldPort = (oldApp.address() as AddressInfo).port;
  app.on('connection', () => (appConnections += 1));
  app.listen(0, '127.0.0.1');
  await once(app, 'listening');
  port = (app.address() as AddressInfo).port;
  const logger = pino({ level: 'silent' });
  runtime = await startRuntimeServer({
    socketPath: join(dir, 'rt.sock'),
    secret: SECRET,
    logger,
    // Counted: which requests the runtime itself handled, as HTTP or as upgrades (tunnels).
    routes: endpointRoutes({
      instance: () => ({ state: state as 'ready', manifest: manifest() }),
      logger,
    }).map((route) => ({
      ...route,
      ...(route.handle && {
        handle: (...args: Parameters<NonNullable<typeof route.handle>>) => {
          runtimeHandled.requests += 1;
          return route.handle!(...args);
        },
      }),
      ...(route.upgrade && {
        upgrade: (...args: Parameters<NonNullable<typeof route.upgrade>>) => {
          runtimeHandled.upgrades += 1;
          return route.upgrade!(...args);
        },
      }),
    })),
  });
  // The platform's half of an upgrade, as terminal/upgrade.ts calls it.
  front = createServer();
  front.on('upgrade', (req: IncomingMessage, socket, head: Buffer) => {
    relayEndpointUpgrade(target(), relayed('/ws', { headers: req.headers }), socket, head).catch(() =>
      socket.destroy(),
    );
  });
  front.listen(0, '127.0.0.1');
  await once(front, 'listening');
});

afterAll(async () => {
  front?.close();
  oldApp?.close();
  await runtime?.close();
  app?.closeAllConnections();
  app?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the endpoint relay through a real runtime', () => {
  it("keeps the app's status and headers, drops its cookies, and sends the platform's forwarding headers", async () => {
    const res = await relayEndpointRequest(
      target(),
      relayed('/items', { search: '?q=1', headers: { authorization: 'Bearer user-token', cookie: 'x=1' } }),
      Readable.from([]),
    );
    expect(res.statusCode).toBe(418);
    expect(res.headers['x-app']).toBe('yes');
    const seen = JSON.parse(await new Response(Readable.toWeb(res) as ReadableStream).text()) as {
      url: string;
      headers: IncomingHttpHeaders;
    };
    expect(seen.url).toBe('/base/items?q=1');
    expect(seen.headers.authorization).toBeUndefined();
    expect(seen.headers.cookie).toBeUndefined();
    expect(seen.headers).toMatchObject({ 'x-gpuaas-user': 'user:u-1', 'x-forwarded-host': 'platform.test' });
  });

  it('streams the answer: the first bytes come while the app holds the rest', async () => {
    const res = await relayEndpointRequest(target(), relayed('/hold'), Readable.from([]));
    const chunks = res[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    expect(await firstChunk(chunks)).toBe('first\n');
    release?.();
    let rest = '';
    for (let n = await chunks.next(); n.done !== true; n = await chunks.next()) rest += n.value.toString();
    expect(rest).toBe('second\n');
  });

  it('streams the request body: the app echoes a part before the caller has sent the next', async () => {
    const body = new PassThrough();
    body.write('part one;');
    // As an HTTP/1.1 caller announces a body of unknown length (without it there is no body).
    const streamed = relayed('/echo-stream', { method: 'POST', headers: { 'transfer-encoding': 'chunked' } });
    const res = await relayEndpointRequest(target(), streamed, body);
    const chunks = res[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    expect(await firstChunk(chunks)).toBe('part one;');
    body.end('part two');
    let rest = '';
    for (let n = await chunks.next(); n.done !== true; n = await chunks.next()) rest += n.value.toString();
    expect(rest).toBe('part two');
  });

  it("turns the runtime's refusals into the platform's codes, the runtime's kept", async () => {
    expect(
      await refusal(relayEndpointRequest(target(), relayed('/', { endpoint: 'nope' }), Readable.from([]))),
    ).toEqual({
      code: 'NOT_FOUND',
      runtimeCode: 'APP_ENDPOINT_NOT_FOUND',
    });
    expect(
      await refusal(relayEndpointRequest(target(), relayed('/', { endpoint: 'dead' }), Readable.from([]))),
    ).toEqual({
      code: 'APP_ENDPOINT_UNREACHABLE',
      runtimeCode: 'APP_ENDPOINT_UNREACHABLE',
    });
    state = 'starting';
    try {
      expect(await refusal(relayEndpointRequest(target(), relayed('/'), Readable.from([])))).toEqual({
        code: 'APP_NOT_READY',
        runtimeCode: 'APP_NOT_READY',
      });
    } finally {
      state = 'ready';
    }
    const gone = { endpoint: `unix:${join(dir, 'nothing.sock')}`, secret: SECRET };
    expect((await refusal(relayEndpointRequest(gone, relayed('/'), Readable.from([])))).code).toBe(
      'RUNTIME_UNREACHABLE',
    );
  });

  it('relays a WebSocket upgrade both ways; the bearer subprotocol and credentials stay behind', async () => {
    const { port: frontPort } = front.address() as AddressInfo;
    const ws = new WebSocket(`ws://127.0.0.1:${frontPort}/ws`, ['gpuaas.bearer.user-token', 'chat'], {
      headers: { authorization: 'Bearer user-token' },
    });
    await once(ws, 'open');
    expect(ws.protocol).toBe('chat');
    const reply = once(ws, 'message');
    ws.send('hi');
    expect(String((await reply)[0])).toBe('echo: hi');
    ws.close();
    const seen = wsHeaders.at(-1);
    expect(seen?.authorization).toBeUndefined();
    expect(seen?.['sec-websocket-protocol']).toBe('chat');
  });

  it('keeps its tunnels to the app: later requests open nothing and pass no runtime route', async () => {
    const text = async (path: string) => {
      const res = await relayEndpointRequest(target(), relayed(path), Readable.from([]));
      return new Response(Readable.toWeb(res) as ReadableStream).text();
    };
    await text('/warm');
    const before = { app: appConnections, ...runtimeHandled };
    for (let i = 0; i < 20; i++) expect(await text(`/seq-${i}`)).toContain(`/base/seq-${i}`);
    // Neither a new connection to the app nor a request the runtime parsed: bytes through a tunnel.
    expect({ app: appConnections, ...runtimeHandled }).toEqual(before);
  });

  it("never takes an app's answer for the runtime's refusal", async () => {
    const res = await relayEndpointRequest(target(), relayed('/fake-refusal'), Readable.from([]));
    expect(res.statusCode).toBe(200);
    expect(await new Response(Readable.toWeb(res) as ReadableStream).text()).toBe('the app answered');
  });

  it('follows an endpoint the running app moved, on kept tunnels too', async () => {
    const url = async () => {
      const res = await relayEndpointRequest(target(), relayed('/where'), Readable.from([]));
      return (JSON.parse(await new Response(Readable.toWeb(res) as ReadableStream).text()) as { url: string })
        .url;
    };
    expect(await url()).toBe('/base/where');
    apiBase = '/moved';
    try {
      expect(await url()).toBe('/moved/where');
      expect(await url()).toBe('/moved/where');
    } finally {
      apiBase = '/base';
    }
    expect(await url()).toBe('/base/where');
  });

  it('relays per request to an app that closes its connection after each answer', async () => {
    const before = { ...runtimeHandled };
    for (let i = 0; i < 3; i++) {
      const res = await relayEndpointRequest(target(), relayed('/', { endpoint: 'old' }), Readable.from([]));
      expect(await new Response(Readable.toWeb(res) as ReadableStream).text()).toBe('old app');
    }
    // The first went over a tunnel and showed an HTTP/1.0 app; the others took the runtime's relay.
    expect(runtimeHandled).toEqual({ requests: before.requests + 2, upgrades: before.upgrades + 1 });
  });

  it('relays per request through a runtime that offers no tunnels', async () => {
    // A runtime from before tunnels: its relay took any request to the app, upgrades included.
    const seen: string[] = [];
    const older = createServer((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.upgrade ?? '-'} ${req.headers.authorization ?? '-'}`);
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`relayed ${req.url}`);
    });
    const socketPath = join(dir, 'older.sock');
    older.listen(socketPath);
    await once(older, 'listening');
    try {
      const olderTarget = { endpoint: `unix:${socketPath}`, secret: SECRET };
      for (const path of ['/a', '/b']) {
        const res = await relayEndpointRequest(olderTarget, relayed(path), Readable.from([]));
        expect(await new Response(Readable.toWeb(res) as ReadableStream).text()).toBe(
          `relayed /v1/app/endpoints/api${path}`,
        );
      }
      // One tunnel asked for, then remembered: each request relayed with the runtime's secret.
      expect(seen).toEqual([
        `GET /v1/app/endpoints/api/ gpuaas-endpoint-tunnel/1 Bearer ${SECRET}`,
        `GET /v1/app/endpoints/api/a - Bearer ${SECRET}`,
        `GET /v1/app/endpoints/api/b - Bearer ${SECRET}`,
      ]);
    } finally {
      older.closeAllConnections();
      older.close();
    }
  });
});

describe('the endpoint relay to a remote runtime, over TLS pinned to its node', () => {
  let forward: RuntimeForward;
  let tls: RuntimeTls;
  let tlsFront: Server;
  const remote = (certificateSha256: string | null = tls.sha256) => ({
    endpoint: forward.endpoint,
    secret: SECRET,
    certificateSha256,
  });

  beforeAll(async () => {
    tls = await loadRuntimeTls(join(dir, 'node'), 'gpuaas-node relay-int');
    forward = await forwardRuntime(
      runtime.socketPath,
      { advertise: '127.0.0.1' },
      { allocationId: 'a', logger: pino({ level: 'silent' }), tls },
    );
    tlsFront = createServer();
    tlsFront.on('upgrade', (req: IncomingMessage, socket, head: Buffer) => {
      relayEndpointUpgrade(remote(), relayed('/ws', { headers: req.headers }), socket, head).catch(() =>
        socket.destroy(),
      );
    });
    tlsFront.listen(0, '127.0.0.1');
    await once(tlsFront, 'listening');
  });
  afterAll(async () => {
    tlsFront?.close();
    await forward?.close();
  });

  it('relays requests over kept tunnels and WebSocket upgrades with the right certificate', async () => {
    const text = async (path: string) => {
      const res = await relayEndpointRequest(remote(), relayed(path), Readable.from([]));
      return new Response(Readable.toWeb(res) as ReadableStream).text();
    };
    expect(forward.endpoint).toMatch(/^https:/);
    expect(await text('/tls-warm')).toContain('/base/tls-warm');
    const before = { ...runtimeHandled };
    for (let i = 0; i < 5; i++) expect(await text(`/tls-${i}`)).toContain(`/base/tls-${i}`);
    expect({ ...runtimeHandled }).toEqual(before);

    const { port: frontPort } = tlsFront.address() as AddressInfo;
    const ws = new WebSocket(`ws://127.0.0.1:${frontPort}/ws`, ['chat']);
    await once(ws, 'open');
    const reply = once(ws, 'message');
    ws.send('over tls');
    expect(String((await reply)[0])).toBe('echo: over tls');
    ws.close();
  });

  it('refuses a runtime with another certificate, or none registered, before the runtime sees a request', async () => {
    const before = { ...runtimeHandled };
    const other = await loadRuntimeTls(join(dir, 'impostor'), 'gpuaas-node relay-int');
    expect(
      await refusal(relayEndpointRequest(remote(other.sha256), relayed('/x'), Readable.from([]))),
    ).toMatchObject({ code: 'NODE_CERTIFICATE_MISMATCH' });
    expect(await refusal(relayEndpointRequest(remote(null), relayed('/x'), Readable.from([])))).toMatchObject(
      { code: 'NODE_CERTIFICATE_MISMATCH' },
    );
    expect({ ...runtimeHandled }).toEqual(before);
  });
});

/** The next chunk of a response as text ('' at its end). */
async function firstChunk(chunks: AsyncIterator<Buffer>): Promise<string> {
  const next: IteratorResult<Buffer, unknown> = await chunks.next();
  return next.done === true ? '' : next.value.toString();
}
