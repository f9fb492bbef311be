import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { SdkError, isSdkError } from '../errors.js';
import { createAppClient, meter, parseRuntimeUrl, ready, status, type AppClient } from './index.js';
import { startFakeRuntime, type FakeRuntime } from './fake-runtime.js';

const fastRetry = { retries: 3, minDelayMs: 5, maxDelayMs: 20 };
const socketDir = mkdtempSync(join(tmpdir(), 'gpuaas-app-'));
afterAll(() => rmSync(socketDir, { recursive: true, force: true }));

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isSdkError(error)) return error.code;
    throw error;
  }
  return 'resolved';
}

describe('parseRuntimeUrl', () => {
  it.each([
    ['loopback port', 'http://127.0.0.1:7070', { kind: 'tcp', host: '127.0.0.1', port: 7070, basePath: '' }],
    ['ipv6 loopback', 'http://[::1]:9', { kind: 'tcp', host: '::1', port: 9, basePath: '' }],
    ['base path', 'http://localhost:80/rt/', { kind: 'tcp', host: 'localhost', port: 80, basePath: '/rt' }],
    [
      'unix socket',
      'unix:/run/gpuaas/runtime.sock',
      { kind: 'unix', socketPath: '/run/gpuaas/runtime.sock' },
    ],
    ['unix with slashes', 'unix:///run/rt.sock', { kind: 'unix', socketPath: '/run/rt.sock' }],
  ])('%s', (_name, given, want) => {
    expect(parseRuntimeUrl(given)).toMatchObject(want);
  });

  it.each([
    ['https://127.0.0.1:1'],
    ['ftp://h:1'],
    ['unix:'],
    ['not a url'],
    ['http://u:p@h:1'],
    ['http://h:1/?q'],
  ])('refuses %s with RUNTIME_URL_INVALID', (given) => {
    expect(() => parseRuntimeUrl(given)).toThrow(expect.objectContaining({ code: 'RUNTIME_URL_INVALID' }));
  });

  it('round-trips any loopback port and any absolute socket path', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 65535 }), (port) => {
        const target = parseRuntimeUrl(`http://127.0.0.1:${port}`);
        return target.kind === 'tcp' && target.port === port && target.host === '127.0.0.1';
      }),
    );
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[\w.-]{1,12}$/), { minLength: 1, maxLength: 5 }), (parts) => {
        const path = '/' + parts.join('/');
        const target = parseRuntimeUrl(`unix:${path}`);
        return target.kind === 'unix' && target.socketPath === path;
      }),
    );
  });
});

describe.each([
  ['loopback port', undefined],
  ['unix socket', 'runtime.sock'],
])('app client over a %s', (_transport, socketName) => {
  let runtime: FakeRuntime;
  let client: AppClient;
  const setup = async (): Promise<void> => {
    const socketPath = socketName
      ? join(socketDir, `${Math.random().toString(36).slice(2)}-${socketName}`)
      : undefined;
    runtime = await startFakeRuntime({ meters: ['tokens', 'images'], ...(socketPath ? { socketPath } : {}) });
    client = createAppClient({ url: runtime.url, retry: fastRetry });
  };
  afterEach(async () => {
    client.close();
    await runtime.close();
  });

  it('meters with a client-generated id, and ready, status and credentials reach the runtime', async () => {
    await setup();
    const result = await client.meter('tokens', 42);
    expect(result.accepted).toBe(true);
    expect(result.accepted && result.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(runtime.meters).toEqual([{ name: 'tokens', quantity: 42, id: result.accepted ? result.id : '' }]);
    expect(await client.ready()).toEqual({ accepted: true });
    expect(runtime.readyCalls).toBe(1);
    await client.status('half way', 0.5);
    await client.status('no progress');
    expect(runtime.statuses).toEqual([{ message: 'half way', progress: 0.5 }, { message: 'no progress' }]);
    const credentials = await client.credentials();
    expect(credentials).toMatchObject({ accepted: true, token: 'fake-token' });
    expect(credentials.accepted && Date.parse(credentials.expiresAt)).toBeGreaterThan(Date.now());
  });

  it('maps an undeclared meter to RUNTIME_REJECTED carrying the runtime code', async () => {
    await setup();
    const error = await client.meter('bogus', 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SdkError);
    expect(error).toMatchObject({
      code: 'RUNTIME_REJECTED',
      details: { status: 400, runtimeCode: 'METER_UNKNOWN' },
    });
    expect(runtime.meters).toEqual([]);
  });

  it('counts a repeated id once', async () => {
    await setup();
    await client.meter('images', 1, { id: 'job-7' });
    await client.meter('images', 1, { id: 'job-7' });
    expect(runtime.meterRequests).toHaveLength(2);
    expect(runtime.total('images')).toBe(1);
  });
});

describe('retries', () => {
  const servers: http.Server[] = [];
  afterEach(() => {
    for (const s of servers.splice(0)) {
      s.closeAllConnections();
      s.close();
    }
  });

  async function flakyServer(fail: (attempt: number, res: http.ServerResponse) => boolean): Promise<{
    url: string;
    bodies: Record<string, unknown>[];
  }> {
    const bodies: Record<string, unknown>[] = [];
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        bodies.push(JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>);
        if (fail(bodies.length, res)) return;
        res.writeHead(202, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ accepted: true, id: bodies.at(-1)?.id }));
      });
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, bodies };
  }

  it('retries dropped connections and 503s with the same event id', async () => {
    const { url, bodies } = await flakyServer((attempt, res) => {
      if (attempt === 1) res.socket?.destroy();
      else if (attempt === 2) res.writeHead(503).end();
      else return false;
      return true;
    });
    const client = createAppClient({ url, retry: fastRetry });
    const result = await client.meter('tokens', 5);
    client.close();
    expect(bodies).toHaveLength(3);
    expect(new Set(bodies.map((b) => b.id)).size).toBe(1);
    expect(result).toEqual({ accepted: true, id: bodies[0]?.id });
  });

  it('gives up with RUNTIME_UNAVAILABLE when nothing listens', async () => {
    const probe = http.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const tcp = createAppClient({ url: `http://127.0.0.1:${port}`, retry: fastRetry });
    expect(await codeOf(tcp.meter('tokens', 1))).toBe('RUNTIME_UNAVAILABLE');
    const unix = createAppClient({ url: `unix:${join(socketDir, 'absent.sock')}`, retry: fastRetry });
    expect(await codeOf(unix.ready())).toBe('RUNTIME_UNAVAILABLE');
  });

  it('does not retry a refusal', async () => {
    const { url, bodies } = await flakyServer((_attempt, res) => {
      res.writeHead(400, { 'content-type': 'application/problem+json' });
      res.end(JSON.stringify({ code: 'METER_UNKNOWN', detail: 'nope' }));
      return true;
    });
    const client = createAppClient({ url, retry: fastRetry });
    expect(await codeOf(client.meter('tokens', 1))).toBe('RUNTIME_REJECTED');
    client.close();
    expect(bodies).toHaveLength(1);
  });
});

describe('without a runtime', () => {
  it('resolves every call to no-runtime and writes one notice', async () => {
    let notices = '';
    const client = createAppClient({ env: {}, stderr: { write: (s: string) => ((notices += s), true) } });
    const noRuntime = { accepted: false, reason: 'no-runtime' };
    expect(client.target).toBeUndefined();
    expect(await client.meter('tokens', 1)).toEqual(noRuntime);
    expect(await client.ready()).toEqual(noRuntime);
    expect(await client.status('x', 1)).toEqual(noRuntime);
    expect(await client.credentials()).toEqual(noRuntime);
    expect(notices.match(/GPUAAS_RUNTIME_URL is not set/g)).toHaveLength(1);
  });

  it.each([
    ['upper-case name', (c: AppClient) => c.meter('Tokens', 1)],
    ['negative quantity', (c: AppClient) => c.meter('tokens', -1)],
    ['NaN quantity', (c: AppClient) => c.meter('tokens', Number.NaN)],
    ['infinite quantity', (c: AppClient) => c.meter('tokens', Number.POSITIVE_INFINITY)],
    ['empty id', (c: AppClient) => c.meter('tokens', 1, { id: '' })],
    ['progress above 1', (c: AppClient) => c.status('x', 1.5)],
    ['negative progress', (c: AppClient) => c.status('x', -0.1)],
  ])('refuses %s with APP_ARGUMENT_INVALID', async (_name, call) => {
    const client = createAppClient({ env: {}, stderr: { write: () => true } });
    expect(await codeOf(call(client))).toBe('APP_ARGUMENT_INVALID');
  });
});

describe('module-level helpers', () => {
  it('follow GPUAAS_RUNTIME_URL from the environment', async () => {
    const runtime = await startFakeRuntime();
    const saved = process.env.GPUAAS_RUNTIME_URL;
    process.env.GPUAAS_RUNTIME_URL = runtime.url;
    try {
      await ready();
      await status('working', 0.25);
      await meter('requests', 2);
      expect(runtime.readyCalls).toBe(1);
      expect(runtime.statuses).toEqual([{ message: 'working', progress: 0.25 }]);
      expect(runtime.total('requests')).toBe(2);
    } finally {
      if (saved === undefined) delete process.env.GPUAAS_RUNTIME_URL;
      else process.env.GPUAAS_RUNTIME_URL = saved;
      await runtime.close();
    }
  });
});
