import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { createAppClient } from '@gpuaas/sdk/app';
import { isSdkError, pythonHelperPath } from '@gpuaas/sdk';
import { requireTools } from '@gpuaas/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scopedEventId, startAppApi } from './app-api.js';
import type { AppApi, AppApiOptions, AppCredentials } from './app-api.js';
import { openUsageWal } from './wal.js';
import type { UsageRecord, UsageWal } from './wal.js';

let dir: string;
let wal: UsageWal;
let api: AppApi;
let readyCalls: number;
let statuses: [string, number | undefined][];
let usage: UsageRecord[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gpuaas-appapi-'));
  wal = await openUsageWal({ dir: join(dir, 'usage') });
  readyCalls = 0;
  statuses = [];
  usage = [];
});
afterEach(async () => {
  await api.close();
  await wal.close();
  await rm(dir, { recursive: true, force: true });
});

async function serve(options: Partial<AppApiOptions> = {}): Promise<AppApi> {
  api = await startAppApi({
    meters: [
      { name: 'tokens', unit: 'token' },
      { name: 'images', unit: 'image' },
    ],
    wal,
    onReady: () => void readyCalls++,
    onStatus: (message, progress) => void statuses.push([message, progress]),
    onUsage: (record) => usage.push(record),
    allocationId: 'alloc-1',
    ...options,
  });
  return api;
}

interface Answer {
  status: number;
  type: string;
  body: Record<string, unknown> | undefined;
}

function call(method: string, path: string, body?: unknown): Promise<Answer> {
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const where = api.socketPath ? { socketPath: api.socketPath } : { host: '127.0.0.1', port: api.port };
  return new Promise((resolve, reject) => {
    const req = request({ ...where, method, path }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          type: String(res.headers['content-type'] ?? ''),
          body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined,
        }),
      );
    });
    req.on('error', reject);
    req.end(payload);
  });
}

describe('app API', () => {
  it('accepts a declared meter after the fsync and answers its id; a repeated id is counted once', async () => {
    await serve();
    const answer = await call('POST', '/v1/meter', { name: 'tokens', quantity: 12, id: 'req-1' });
    expect(answer).toMatchObject({ status: 202, body: { accepted: true, id: 'alloc-1:req-1' } });
    expect(wal.pending()).toEqual([
      expect.objectContaining({
        id: 'alloc-1:req-1',
        meter: 'tokens',
        quantity: 12,
        unit: 'token',
        source: 'app',
        allocation_id: 'alloc-1',
      }),
    ]);
    expect(await call('POST', '/v1/meter', { name: 'tokens', quantity: 99, id: 'req-1' })).toMatchObject({
      status: 202,
      body: { id: 'alloc-1:req-1' },
    });
    const generated = await call('POST', '/v1/meter', { name: 'images', quantity: 1 });
    expect(generated.body?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(usage.map((r) => [r.id, r.quantity])).toEqual([
      ['alloc-1:req-1', 12],
      [generated.body?.id, 1],
    ]);
  });

  it('scopes app-chosen ids to the allocation, keeping them within 200 characters', async () => {
    await serve();
    const long = 'x'.repeat(200);
    const answer = await call('POST', '/v1/meter', { name: 'tokens', quantity: 1, id: long });
    expect(answer.body?.id).toMatch(/^alloc-1:sha256:[0-9a-f]{64}$/);
    expect(scopedEventId('alloc-1', long)).toBe(answer.body?.id);
    expect(scopedEventId('alloc-1', 'alloc-1:job-1')).toBe('alloc-1:job-1');
    expect(scopedEventId('alloc-2', 'job-1')).not.toBe(scopedEventId('alloc-1', 'job-1'));
    await api.close();
    await serve({ allocationId: undefined });
    expect((await call('POST', '/v1/meter', { name: 'tokens', quantity: 1, id: 'plain' })).body?.id).toBe(
      'plain',
    );
  });

  it('refuses an undeclared meter with METER_UNKNOWN naming the declared ones', async () => {
    await serve();
    const answer = await call('POST', '/v1/meter', { name: 'tokenz', quantity: 1 });
    expect(answer.status).toBe(400);
    expect(answer.type).toBe('application/problem+json');
    expect(answer.body).toMatchObject({ code: 'METER_UNKNOWN', status: 400, meters: ['tokens', 'images'] });
    expect(answer.body?.detail).toMatch(/"tokenz".*declared meters: tokens, images/);
    expect(wal.pendingCount).toBe(0);
  });

  it.each([
    [{ name: 'tokens', quantity: -1 }],
    [{ name: 'tokens', quantity: '3' }],
    [{ name: 'tokens', quantity: 1e16 }],
    // The platform bills exact decimals: these would hold up the usage log behind them.
    [{ name: 'tokens', quantity: 5e-324 }],
    [{ name: 'tokens', quantity: 0.1 + 0.2 }],
    [{ name: 'tokens', quantity: 123456789.12345679 }],
    [{ name: 'tokens' }],
    [{ name: 'tokens', quantity: 1, id: 'has space' }],
    [{ name: 'tokens', quantity: 1, id: 'x'.repeat(201) }],
    [{ quantity: 1 }],
    ['not json'],
  ])('refuses a malformed report with METER_INVALID: %j', async (body) => {
    await serve();
    const answer = await call('POST', '/v1/meter', body);
    expect(answer).toMatchObject({ status: 400, body: { code: 'METER_INVALID' } });
  });

  it('records a batch in one go, or nothing when one event is bad', async () => {
    await serve();
    const events = Array.from({ length: 300 }, (_, i) => ({ name: 'tokens', quantity: i, id: `b-${i}` }));
    const answer = await call('POST', '/v1/meter:batch', { events });
    expect(answer.status).toBe(202);
    expect(answer.body?.ids).toEqual(events.map((e) => `alloc-1:${e.id}`));
    expect(wal.pendingCount).toBe(300);
    const bad = await call('POST', '/v1/meter:batch', {
      events: [
        { name: 'tokens', quantity: 1, id: 'c-1' },
        { name: 'nope', quantity: 1 },
      ],
    });
    expect(bad).toMatchObject({ status: 400, body: { code: 'METER_UNKNOWN' } });
    expect(bad.body?.detail).toMatch(/^events\[1\]/);
    expect(await call('POST', '/v1/meter:batch', { events: [] })).toMatchObject({
      body: { code: 'METER_INVALID' },
    });
    expect(wal.pendingCount).toBe(300);
  });

  it('passes ready and status to the runtime, and checks progress', async () => {
    await serve();
    expect((await call('POST', '/v1/ready', {})).status).toBe(204);
    expect((await call('POST', '/v1/status', { message: 'loading', progress: 0.5 })).status).toBe(204);
    expect((await call('POST', '/v1/status', { message: 'ok' })).status).toBe(204);
    expect(await call('POST', '/v1/status', { message: 'x', progress: 2 })).toMatchObject({
      status: 400,
      body: { code: 'BODY_INVALID' },
    });
    expect(readyCalls).toBe(1);
    expect(statuses).toEqual([
      ['loading', 0.5],
      ['ok', undefined],
    ]);
  });

  it('hands out the credential, or 404 NO_CREDENTIALS without one, or 503 when it cannot get one', async () => {
    await serve();
    expect(await call('GET', '/v1/credentials')).toMatchObject({
      status: 404,
      body: { code: 'NO_CREDENTIALS' },
    });
    await api.close();
    let credential: AppCredentials | undefined = { token: 'tok', expires_at: '2030-01-01T00:00:00Z' };
    await serve({ credentials: () => Promise.resolve(credential) });
    expect(await call('GET', '/v1/credentials')).toEqual({
      status: 200,
      type: 'application/json',
      body: { token: 'tok', expires_at: '2030-01-01T00:00:00Z' },
    });
    credential = undefined;
    expect((await call('GET', '/v1/credentials')).status).toBe(404);
    await api.close();
    await serve({ credentials: () => Promise.reject(new Error('token endpoint down')) });
    expect(await call('GET', '/v1/credentials')).toMatchObject({
      status: 503,
      body: { code: 'CREDENTIALS_UNAVAILABLE' },
    });
  });

  it('answers unknown paths and methods with problem+json', async () => {
    await serve();
    expect(await call('GET', '/v1/nope')).toMatchObject({ status: 404, body: { code: 'ROUTE_NOT_FOUND' } });
    expect(await call('GET', '/v1/meter')).toMatchObject({
      status: 405,
      body: { code: 'METHOD_NOT_ALLOWED' },
    });
  });

  it('answers 503 USAGE_LOG_FAILED when the log cannot take the event', async () => {
    await serve();
    await wal.close();
    expect(await call('POST', '/v1/meter', { name: 'tokens', quantity: 1 })).toMatchObject({
      status: 503,
      body: { code: 'USAGE_LOG_FAILED' },
    });
    wal = await openUsageWal({ dir: join(dir, 'usage') });
  });

  for (const transport of ['unix', 'tcp'] as const) {
    it(`works with the sdk's createAppClient over ${transport}`, async () => {
      await serve(transport === 'unix' ? { socketPath: join(dir, 'app.sock') } : {});
      if (transport === 'unix') {
        expect(api.url).toBe(`unix:${join(dir, 'app.sock')}`);
        expect((await stat(join(dir, 'app.sock'))).mode & 0o777).toBe(0o600);
      } else expect(api.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const client = createAppClient({ url: api.url, retry: { retries: 0 } });
      try {
        expect(await client.meter('tokens', 5, { id: 'sdk-1' })).toEqual({
          accepted: true,
          id: 'alloc-1:sdk-1',
        });
        expect(await client.ready()).toEqual({ accepted: true });
        expect(await client.status('half way', 0.5)).toEqual({ accepted: true });
        const refused: unknown = await client.meter('unknown_meter', 1).catch((e: unknown) => e);
        expect(isSdkError(refused) && refused.code).toBe('RUNTIME_REJECTED');
        expect(isSdkError(refused) && refused.details).toMatchObject({
          status: 400,
          runtimeCode: 'METER_UNKNOWN',
        });
        expect(String(refused)).toMatch(/declared meters: tokens, images/);
        const none: unknown = await client.credentials().catch((e: unknown) => e);
        expect(isSdkError(none) && none.details).toMatchObject({
          status: 404,
          runtimeCode: 'NO_CREDENTIALS',
        });
      } finally {
        client.close();
      }
      expect(readyCalls).toBe(1);
      expect(statuses).toEqual([['half way', 0.5]]);
      expect(wal.pending().map((r) => r.id)).toEqual(['alloc-1:sdk-1']);
    });
  }

  const python = requireTools('app API with the Python helper', 'python3');
  it.skipIf(!python)('works with the Python helper of the sdk (gpuaas_runtime.py)', async () => {
    await serve({
      socketPath: join(dir, 'py.sock'),
      credentials: () => Promise.resolve({ token: 'py-token', expires_at: '2030-01-01T00:00:00Z' }),
    });
    const helper = dirname(pythonHelperPath());
    const script = [
      'import json, gpuaas_runtime as r',
      'out = [r.meter("tokens", 3, id="py-1"), r.ready(), r.status("warm", 0.25), r.credentials()]',
      'try:',
      '    r.meter("nope", 1)',
      'except r.RuntimeRejected as e:',
      '    out.append({"code": e.code, "status": e.status})',
      'print(json.dumps(out))',
    ].join('\n');
    const { stdout } = await promisify(execFile)('python3', ['-c', script], {
      cwd: helper,
      env: { ...process.env, GPUAAS_RUNTIME_URL: api.url, PYTHONDONTWRITEBYTECODE: '1' },
    });
    expect(JSON.parse(stdout)).toEqual([
      { accepted: true, id: 'alloc-1:py-1' },
      { accepted: true },
      { accepted: true },
      { accepted: true, token: 'py-token', expires_at: '2030-01-01T00:00:00Z' },
      { code: 'METER_UNKNOWN', status: 400 },
    ]);
    expect(wal.pending().map((r) => [r.id, r.quantity])).toEqual([['alloc-1:py-1', 3]]);
  });
});
