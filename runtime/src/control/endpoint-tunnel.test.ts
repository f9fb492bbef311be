/**
 * Endpoint tunnels on a real runtime server (Unix socket, runtime secret) in front of a real app
 * server on 127.0.0.1: opened only with the secret, for a declared http endpoint of an app that
 * serves; once open, the platform's bytes reach the app unchanged and keep-alive requests share
 * the tunnel; an app that stops serving (or is replaced) gets no more bytes through it.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import {
  ENDPOINT_TUNNEL_AUTHORITY_HEADER,
  ENDPOINT_TUNNEL_BASE_HEADER,
  ENDPOINT_TUNNEL_PROTOCOL,
} from '@gpuaas/sdk/common';
import type { GpuaasAppManifest } from '@gpuaas/manifest-schema';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AppState } from '../app/states.js';
import { startRuntimeServer } from '../server.js';
import type { RuntimeServer } from '../server.js';
import { RUNTIME_CODE_HEADER, endpointRoutes } from './endpoints.js';

const SECRET = 'endpoint-tunnel-secret-0123456789';

let app: Server;
let appPort: number;
let runtime: RuntimeServer;
let dir: string;
let current: { state: AppState; manifest: GpuaasAppManifest } | undefined;
/** What the app received: method, url and headers of each request. */
const received: { method: string; url: string; headers: Record<string, unknown> }[] = [];

function manifest(port: number): GpuaasAppManifest {
  return {
    apiVersion: 'gpuaas.dev/v1alpha1',
    name: 'tunnel-test',
    version: '1.0.0',
    publisher: 'gpuaas-tests',
    run: { entrypoint: ['true'] },
    resources: { minimum: { gpus: { count: 0 } } },
    endpoints: [
      { name: 'api', port, protocol: 'http', path: '/base/' },
      { name: 'raw', port, protocol: 'tcp' },
      // Nothing listens on port 1.
      { name: 'dead', port: 1 },
    ],
  };
}

/** Reads from `socket` until `done` says the text so far is complete. */
function readUntil(socket: Socket, done: (text: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (!done(text)) return;
      socket.off('data', onData);
      socket.off('error', reject);
      resolve(text);
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
}

/** Whether `text` holds a whole response with a Content-Length body. */
function wholeResponse(text: string): boolean {
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return false;
  const length = /\r\ncontent-length: (\d+)/i.exec(text.slice(0, end));
  return text.length >= end + 4 + Number(length?.[1] ?? 0);
}

interface Head {
  status: number;
  headers: Map<string, string>;
  socket: Socket;
}

/** Asks the runtime for a tunnel to `endpoint`; the answer's head and the connection. */
async function openTunnel(endpoint: string, secret = SECRET): Promise<Head> {
  const socket = connect(runtime.socketPath);
  socket.write(
    `GET /v1/app/endpoints/${endpoint}/ HTTP/1.1\r\nHost: runtime\r\nAuthorization: Bearer ${secret}\r\n` +
      `Connection: Upgrade\r\nUpgrade: ${ENDPOINT_TUNNEL_PROTOCOL}\r\n\r\n`,
  );
  const text = await readUntil(socket, (t) => t.includes('\r\n\r\n'));
  const [statusLine = '', ...lines] = text.slice(0, text.indexOf('\r\n\r\n')).split('\r\n');
  const headers = new Map(
    lines.map((line) => [
      line.slice(0, line.indexOf(':')).toLowerCase(),
      line.slice(line.indexOf(':') + 1).trim(),
    ]),
  );
  return { status: Number(statusLine.split(' ')[1]), headers, socket };
}

/** One keep-alive GET over an open tunnel; the app's answer as text. */
async function get(socket: Socket, path: string, extra = ''): Promise<string> {
  const answer = readUntil(socket, wholeResponse);
  socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${appPort}\r\n${extra}\r\n`);
  return answer;
}

function closed(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) resolve();
    else socket.once('close', () => resolve());
  });
}

beforeAll(async () => {
  app = createServer((req, res) => {
    received.push({ method: req.method ?? '', url: req.url ?? '', headers: { ...req.headers } });
    const body = JSON.stringify({ url: req.url });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  appPort = (app.address() as AddressInfo).port;
  dir = await mkdtemp('/tmp/gpuaas-tunnel-');
  const logger = pino({ level: 'silent' });
  runtime = await startRuntimeServer({
    socketPath: join(dir, 'rt.sock'),
    secret: SECRET,
    logger,
    routes: endpointRoutes({ instance: () => current, logger }),
  });
});

beforeEach(() => {
  current = { state: 'ready', manifest: manifest(appPort) };
  received.length = 0;
});

afterAll(async () => {
  await runtime?.close();
  app?.closeAllConnections();
  await new Promise((resolve) => app?.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

describe('endpoint tunnels', () => {
  it('opens with the secret and says where the endpoint is; requests share it unchanged', async () => {
    const tunnel = await openTunnel('api');
    expect(tunnel.status).toBe(101);
    expect(tunnel.headers.get('upgrade')).toBe(ENDPOINT_TUNNEL_PROTOCOL);
    expect(tunnel.headers.get(ENDPOINT_TUNNEL_BASE_HEADER)).toBe('/base');
    expect(tunnel.headers.get(ENDPOINT_TUNNEL_AUTHORITY_HEADER)).toBe(`127.0.0.1:${appPort}`);
    expect(await get(tunnel.socket, '/base/one?x=1', 'X-Platform: set\r\n')).toContain(
      '{"url":"/base/one?x=1"}',
    );
    expect(await get(tunnel.socket, '/base/two')).toContain('{"url":"/base/two"}');
    // Bytes, not a second proxy: the app sees exactly the request sent, and no runtime secret.
    expect(received.map((r) => r.url)).toEqual(['/base/one?x=1', '/base/two']);
    expect(received[0]?.headers).toMatchObject({ 'x-platform': 'set', host: `127.0.0.1:${appPort}` });
    expect(received[0]?.headers.authorization).toBeUndefined();
    tunnel.socket.destroy();
  });

  it('refuses without the secret, for undeclared, tcp and dead endpoints, and while the app does not serve', async () => {
    const refusals: [string, string, number, string | undefined][] = [
      ['api', 'wrong-secret', 401, undefined],
      ['nope', SECRET, 404, 'APP_ENDPOINT_NOT_FOUND'],
      ['raw', SECRET, 404, 'APP_ENDPOINT_NOT_FOUND'],
      ['dead', SECRET, 502, 'APP_ENDPOINT_UNREACHABLE'],
    ];
    for (const [endpoint, secret, status, code] of refusals) {
      const answer = await openTunnel(endpoint, secret);
      expect([endpoint, answer.status]).toEqual([endpoint, status]);
      if (code !== undefined) expect(answer.headers.get(RUNTIME_CODE_HEADER)).toBe(code);
      answer.socket.destroy();
    }
    current = { state: 'starting', manifest: manifest(appPort) };
    const starting = await openTunnel('api');
    expect([starting.status, starting.headers.get(RUNTIME_CODE_HEADER)]).toEqual([409, 'APP_NOT_READY']);
    starting.socket.destroy();
    expect(received).toEqual([]);
  });

  it('carries nothing more once the app stops serving or its endpoint moved', async () => {
    const moved = manifest(appPort);
    moved.endpoints = [{ name: 'api', port: appPort, path: '/v2' }];
    for (const change of [
      () => (current = { state: 'stopping', manifest: manifest(appPort) }),
      () => (current = { state: 'upgrading', manifest: manifest(appPort) }),
      () => (current = { state: 'ready', manifest: moved }),
    ]) {
      current = { state: 'ready', manifest: manifest(appPort) };
      received.length = 0;
      const tunnel = await openTunnel('api');
      expect(await get(tunnel.socket, '/base/before')).toContain('/base/before');
      change();
      tunnel.socket.write(`GET /base/after HTTP/1.1\r\nHost: 127.0.0.1:${appPort}\r\n\r\n`);
      await closed(tunnel.socket);
      expect(received.map((r) => r.url)).toEqual(['/base/before']);
    }
  });
});
