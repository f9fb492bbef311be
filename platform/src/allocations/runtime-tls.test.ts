/**
 * A remote runtime is reached over TLS pinned to its node's registered certificate: the right
 * fingerprint gets through, a wrong or missing one (or a plain-HTTP endpoint) is refused with
 * NODE_CERTIFICATE_MISMATCH before the runtime secret is written anywhere.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createNetServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { forwardRuntime, loadRuntimeTls } from '@gpuaas/node-agent';
import type { RuntimeForward, RuntimeTls } from '@gpuaas/node-agent';
import { PlatformError } from '../errors.js';
import { WebSocket, WebSocketServer } from 'ws';
import { proxyTerminal } from '../terminal/proxy.js';
import type { TerminalProxyResult } from '../terminal/proxy.js';
import { callRuntime, remoteConnect } from './runtime-client.js';
import type { RuntimeTarget } from './runtime-client.js';

const silent = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

let dir: string;
let runtime: Server;
let forward: RuntimeForward;
let tls: RuntimeTls;
let other: RuntimeTls;
/** What reached the runtime: one authorization header per request (terminals included). */
let seen: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rt-tls-'));
  runtime = createServer((req, res) => {
    seen.push(req.headers.authorization ?? '');
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"state":"ready"}');
  });
  // The runtime's terminal: greets, then echoes.
  const terminals = new WebSocketServer({ server: runtime, handleProtocols: (p) => [...p][0] ?? false });
  terminals.on('connection', (ws, req) => {
    seen.push(req.headers.authorization ?? '');
    ws.send('hello');
  });
  const socket = join(dir, 'rt.sock');
  await new Promise<void>((resolve) => runtime.listen(socket, resolve));
  tls = await loadRuntimeTls(join(dir, 'node'), 'gpuaas-node test');
  other = await loadRuntimeTls(join(dir, 'impostor'), 'gpuaas-node test');
  forward = await forwardRuntime(
    socket,
    { advertise: '127.0.0.1' },
    { allocationId: 'a', logger: silent, tls },
  );
});
afterAll(async () => {
  await forward.close();
  await new Promise((resolve) => runtime.close(resolve));
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  seen = [];
});

const status = (target: RuntimeTarget) =>
  callRuntime<{ state: string }>(target, { method: 'GET', path: '/v1/app/status', timeoutMs: 5000 });

async function refusal(target: RuntimeTarget): Promise<{ code: string; status: number; message: string }> {
  const error = await status(target).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(PlatformError);
  const e = error as PlatformError;
  return { code: e.code, status: e.status, message: e.message };
}

describe('connections to a remote runtime', () => {
  it('serve TLS with the certificate the node keeps, and reach the runtime when it matches the pin', async () => {
    expect(forward.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(tls.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(other.sha256).not.toBe(tls.sha256);
    const { body } = await status({
      endpoint: forward.endpoint,
      secret: 's3cret',
      certificateSha256: tls.sha256,
    });
    expect(body).toEqual({ state: 'ready' });
    expect(seen).toEqual(['Bearer s3cret']);
    // As Node prints fingerprints (upper case, colons) it matches too.
    const printed = tls.sha256.toUpperCase().replace(/(..)(?!$)/g, '$1:');
    await status({ endpoint: forward.endpoint, secret: 's3cret', certificateSha256: printed });
    expect(seen).toHaveLength(2);
  });

  it('are refused, the secret unsent, when the runtime shows another certificate', async () => {
    const wrong = await refusal({
      endpoint: forward.endpoint,
      secret: 's3cret',
      certificateSha256: other.sha256,
    });
    expect(wrong).toMatchObject({ code: 'NODE_CERTIFICATE_MISMATCH', status: 502 });
    expect(wrong.message).toContain(tls.sha256);
    expect(wrong.message).toContain(other.sha256);
    expect(seen).toEqual([]);
  });

  it('are refused when the node registered no certificate, or the endpoint is plain HTTP', async () => {
    expect(await refusal({ endpoint: forward.endpoint, secret: 's', certificateSha256: null })).toMatchObject(
      {
        code: 'NODE_CERTIFICATE_MISMATCH',
      },
    );
    expect(await refusal({ endpoint: forward.endpoint, secret: 's' })).toMatchObject({
      code: 'NODE_CERTIFICATE_MISMATCH',
    });
    const plain = forward.endpoint.replace('https:', 'http:');
    expect(await refusal({ endpoint: plain, secret: 's', certificateSha256: tls.sha256 })).toMatchObject({
      code: 'NODE_CERTIFICATE_MISMATCH',
    });
    expect(seen).toEqual([]);
  });

  it('give up on a peer that never finishes the handshake within the call’s timeout', async () => {
    // Accepts TCP, then says nothing.
    const held: Socket[] = [];
    const mute = createNetServer((s) => held.push(s));
    await new Promise<void>((resolve) => mute.listen(0, '127.0.0.1', resolve));
    const { port } = mute.address() as AddressInfo;
    const started = Date.now();
    const error = await callRuntime(
      { endpoint: `https://127.0.0.1:${port}`, secret: 's', certificateSha256: tls.sha256 },
      { method: 'GET', path: '/', timeoutMs: 500 },
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'RUNTIME_UNREACHABLE' });
    expect(Date.now() - started).toBeLessThan(5000);
    for (const s of held) s.destroy();
    await new Promise((resolve) => mute.close(resolve));
  });

  it('relay a terminal with the right certificate, and refuse it with another before the runtime sees it', async () => {
    const relay = async (certificateSha256: string): Promise<TerminalProxyResult> => {
      const front = createServer();
      const wss = new WebSocketServer({ noServer: true });
      const result = new Promise<TerminalProxyResult>((resolve) => {
        front.on('upgrade', (req, sock, head) =>
          wss.handleUpgrade(req, sock, head, (ws) => {
            const target = { endpoint: forward.endpoint, secret: 'term', certificateSha256 };
            void proxyTerminal(
              ws,
              { url: forward.endpoint, createConnection: remoteConnect(target) },
              { headers: { authorization: 'Bearer term' } },
            ).then(resolve);
          }),
        );
      });
      await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
      const client = new WebSocket(`ws://127.0.0.1:${(front.address() as AddressInfo).port}/`);
      client.on('message', () => client.close());
      const outcome = await result;
      front.close();
      return outcome;
    };
    const ok = await relay(tls.sha256);
    expect(ok.upstreamOpened).toBe(true);
    expect(ok.bytesToDownstream).toBe('hello'.length);
    expect(seen).toEqual(['Bearer term']);
    const refused = await relay(other.sha256);
    expect(refused.upstreamOpened).toBe(false);
    expect(refused.closeCode).not.toBe(1000);
    expect(seen).toEqual(['Bearer term']);
  });
});
