import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { staticTokenProvider } from '@gpuaas/sdk';
import type { TokenProvider } from '@gpuaas/sdk';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { batchBody, createUsageShipper, idempotencyKey, toCloudEvent } from './shipper.js';
import type { UsageShipper, UsageShipperOptions } from './shipper.js';
import { startFakePlatform } from './testing/fake-platform.js';
import type { FakePlatform } from './testing/fake-platform.js';
import { openUsageWal } from './wal.js';
import type { UsageInput, UsageWal } from './wal.js';

const ALLOCATION = '0190a8f0-0000-7000-8000-00000000000a';
let dir: string;
let wal: UsageWal;
let platform: FakePlatform;
const shippers: UsageShipper[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gpuaas-ship-'));
  wal = await openUsageWal({ dir });
  platform = await startFakePlatform();
});
afterEach(async () => {
  for (const s of shippers.splice(0)) await s.stop({ flushTimeoutMs: 0 });
  await wal.close();
  await platform.close();
  await rm(dir, { recursive: true, force: true });
});

function ship(options: Partial<UsageShipperOptions> = {}): UsageShipper {
  const shipper = createUsageShipper({
    wal,
    baseUrl: platform.url,
    allocationId: ALLOCATION,
    tokenProvider: staticTokenProvider('runtime-token'),
    lingerMs: 0,
    initialBackoffMs: 10,
    maxBackoffMs: 40,
    ...options,
  });
  shippers.push(shipper);
  shipper.start();
  return shipper;
}

const events = (prefix: string, n: number): UsageInput[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `${prefix}-${i}`,
    meter: 'tokens',
    quantity: i,
    unit: 'token',
    source: 'app',
  }));

describe('usage shipper', () => {
  it('sends CloudEvents in batches of at most 500 with a bearer token and a body-derived Idempotency-Key', async () => {
    await wal.appendMany(events('e', 1200));
    const shipper = ship();
    expect(await shipper.flush()).toEqual({ drained: true, pending: 0 });
    expect(platform.requests.map((r) => r.ids.length)).toEqual([500, 500, 200]);
    for (const request of platform.requests) {
      expect(request.headers.authorization).toBe('Bearer runtime-token');
      expect(request.headers['idempotency-key']).toBe(idempotencyKey(request.body));
      expect(request.headers['idempotency-key']).toMatch(/^[\x21-\x7e]{8,255}$/);
    }
    expect(platform.stored.get('e-7')).toEqual({
      specversion: '1.0',
      id: 'e-7',
      source: `gpuaas-runtime/${ALLOCATION}`,
      type: 'dev.gpuaas.usage.v1',
      subject: ALLOCATION,
      time: expect.any(String) as string,
      datacontenttype: 'application/json',
      data: { meter: 'tokens', quantity: 7, unit: 'token', allocation_id: ALLOCATION, origin: 'app' },
    });
    expect(shipper.state).toMatchObject({ accepted: 1200, duplicates: 0, batches: 3, pending: 0 });
  });

  it('keeps the ids and keys of a batch stable, and confirms duplicates like new events', async () => {
    await wal.appendMany(events('d', 10));
    for (const record of wal.pending()) platform.stored.set(record.id, toCloudEvent(record, ALLOCATION));
    const shipper = ship();
    expect((await shipper.flush()).drained).toBe(true);
    expect(shipper.state).toMatchObject({ accepted: 0, duplicates: 10 });
    // The key follows the exact bytes: the same records give the same body and key, and the same
    // ids with other content (an event reported again after the log forgot it) another key.
    const records = [
      { id: 'k-1', meter: 'tokens', quantity: 1, time: '2025-01-01T00:00:00.000Z', source: 'app' as const },
    ];
    expect(batchBody(records, ALLOCATION)).toBe(batchBody(structuredClone(records), ALLOCATION));
    expect(idempotencyKey(batchBody(records, ALLOCATION))).toBe(
      idempotencyKey(batchBody(records, ALLOCATION)),
    );
    const later = [{ ...records[0]!, time: '2025-01-01T00:01:00.000Z' }];
    expect(idempotencyKey(batchBody(later, ALLOCATION))).not.toBe(
      idempotencyKey(batchBody(records, ALLOCATION)),
    );
  });

  it('retries a 503 and a 429 inside one send, with the same Idempotency-Key and correlation id', async () => {
    platform.next.push({ status: 503, code: 'NOT_READY' }, { status: 429, code: 'RATE_LIMITED' });
    await wal.appendMany(events('r', 3));
    const shipper = ship();
    expect((await shipper.flush()).drained).toBe(true);
    expect(platform.requests).toHaveLength(3);
    const [first] = platform.requests;
    for (const request of platform.requests) {
      expect(request.body).toBe(first!.body);
      expect(request.headers['idempotency-key']).toBe(idempotencyKey(first!.body));
      expect(request.headers['x-correlation-id']).toBe(first!.headers['x-correlation-id']);
    }
    // The sender rode it out: the loop saw one successful batch, no failure.
    expect(shipper.state).toMatchObject({ accepted: 3, batches: 1, failures: 0 });
  });

  it('asks for a fresh token once when the platform says the token expired', async () => {
    platform.next.push({ status: 401, code: 'TOKEN_EXPIRED' });
    const asked: boolean[] = [];
    const tokenProvider: TokenProvider = {
      source: 'token',
      getToken: ({ forceRefresh = false } = {}) => {
        asked.push(forceRefresh);
        return Promise.resolve(forceRefresh ? 'fresh-token' : 'stale-token');
      },
    };
    await wal.appendMany(events('t', 2));
    const shipper = ship({ tokenProvider });
    expect((await shipper.flush()).drained).toBe(true);
    expect(asked).toEqual([false, true]);
    expect(platform.requests.map((r) => r.headers.authorization)).toEqual([
      'Bearer stale-token',
      'Bearer fresh-token',
    ]);
    expect(shipper.state).toMatchObject({ accepted: 2, rejectedBatches: 0 });
  });

  it('while the platform answers 503 the log grows; when it is back the log drains, each event once', async () => {
    platform.mode = 'down';
    const shipper = ship();
    for (let i = 0; i < 5; i++) await wal.appendMany(events(`down${i}`, 40));
    await expect.poll(() => shipper.state.failures).toBeGreaterThanOrEqual(3);
    await expect.poll(() => shipper.state.status).toBe('backoff');
    expect(wal.pendingCount).toBe(200);
    platform.mode = 'ok';
    await expect.poll(() => wal.pendingCount).toBe(0);
    expect(platform.stored.size).toBe(200);
    expect(platform.duplicates).toBe(0);
    expect(shipper.state.consecutiveFailures).toBe(0);
  });

  it('rides out refused connections and ships once the platform listens again', async () => {
    await platform.stop();
    const shipper = ship();
    await wal.appendMany(events('gone', 30));
    await expect.poll(() => shipper.state.failures).toBeGreaterThanOrEqual(2);
    expect(shipper.state.lastError).toMatch(/usage-events/);
    await wal.appendMany(events('gone-more', 30));
    await platform.restart();
    await expect.poll(() => wal.pendingCount).toBe(0);
    expect(platform.stored.size).toBe(60);
  });

  it('a 4xx other than 429 keeps the events, logs loudly and shows the stuck state until it clears', async () => {
    const logs: { level: number; msg: string; code?: string }[] = [];
    const logger = pino(
      { level: 'info' },
      { write: (line: string) => void logs.push(JSON.parse(line) as never) },
    );
    platform.mode = 'reject';
    const shipper = ship({ logger });
    await wal.appendMany(events('bad', 5));
    await expect.poll(() => shipper.state.status).toBe('stuck');
    expect(shipper.state.stuck).toMatchObject({
      status: 400,
      detail: expect.stringContaining('VALIDATION_FAILED') as string,
    });
    expect(shipper.state.rejectedBatches).toBeGreaterThanOrEqual(1);
    expect(wal.pendingCount).toBe(5);
    expect(logs.some((l) => l.level === 50 && l.code === 'USAGE_REJECTED')).toBe(true);
    platform.mode = 'ok';
    await expect.poll(() => wal.pendingCount).toBe(0);
    await expect.poll(() => shipper.state.status).toBe('idle');
    expect(shipper.state.stuck).toBeUndefined();
  });

  it('sends again what the platform did not list in its answer', async () => {
    platform.confirmOnly = (ids) => ids.slice(0, Math.ceil(ids.length / 2));
    await wal.appendMany(events('half', 8));
    const shipper = ship();
    expect((await shipper.flush()).drained).toBe(true);
    expect(platform.stored.size).toBe(8);
    expect(platform.requests.length).toBeGreaterThan(1);
  });

  it('stop() during an outage returns with the events still in the log', async () => {
    platform.mode = 'down';
    await wal.appendMany(events('kept', 3));
    const shipper = ship({ maxBackoffMs: 30_000, initialBackoffMs: 30_000 });
    const started = Date.now();
    expect(await shipper.stop({ flushTimeoutMs: 200 })).toEqual({ drained: false, pending: 3 });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(shipper.state.status).toBe('stopped');
    expect(wal.pending().map((r) => r.id)).toEqual(['kept-0', 'kept-1', 'kept-2']);
  });

  it('disabled (dev mode): sends nothing and confirms the events locally', async () => {
    const shipper = createUsageShipper({ wal, allocationId: 'dev', enabled: false });
    shippers.push(shipper);
    shipper.start();
    await wal.appendMany(events('dev', 12));
    await expect.poll(() => wal.pendingCount).toBe(0);
    expect(shipper.state).toMatchObject({ status: 'disabled', confirmedLocally: 12 });
    expect(platform.requests).toEqual([]);
  });

  it('needs a base URL when enabled', () => {
    expect(() => createUsageShipper({ wal, allocationId: ALLOCATION })).toThrow(/base URL/);
  });
});
