/**
 * Several platform instances on one PostgreSQL database: created at the same moment on a fresh
 * database they all start (migrations under an advisory lock), each lease is held by exactly one
 * of them, and the leases of an instance that stops cleanly go to the others at their next
 * heartbeat.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, requirePostgres } from '@gpuaas/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import { LEASE, createPlatform } from '../platform.js';
import type { Platform } from '../platform.js';
import { listLeases } from './store.js';

const postgres = await requirePostgres('platform instances');
const INSTANCES = 4;

describe.skipIf(!postgres)(`${INSTANCES} instances on one PostgreSQL database`, () => {
  const platforms: Platform[] = [];
  const folders: string[] = [];
  let drop: (() => Promise<void>) | undefined;
  afterAll(async () => {
    for (const p of platforms) await p.close({ graceMs: 0 });
    for (const f of folders) await rm(f, { recursive: true, force: true });
    await drop?.();
  });

  it('all start when created at once on a fresh database, each lease held by exactly one', async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    const secretKey = Buffer.alloc(32, 9).toString('base64url');
    const started = await Promise.all(
      Array.from({ length: INSTANCES }, async () => {
        const dataDir = await mkdtemp(join(tmpdir(), 'gpuaas-instance-'));
        folders.push(dataDir);
        return createPlatform({
          dataDir,
          databaseUrl: database.url,
          publicUrl: 'http://127.0.0.1:9',
          secretKey,
          defaultMetrics: false,
          localNode: false,
          log: { level: 'silent' },
        });
      }),
    );
    platforms.push(...started);
    expect(started.map((p) => p.state)).toEqual(Array(INSTANCES).fill('RUNNING'));
    const held = started.flatMap((p) => p.leases.held());
    expect(held.sort()).toEqual(Object.values(LEASE).sort());
    const rows = await listLeases(started[0]!.db);
    expect(rows.map((r) => r.name).sort()).toEqual(Object.values(LEASE).sort());
    for (const row of rows) {
      const holder = started.find((p) => p.leases.held().includes(row.name));
      expect(holder?.leases.owner).toBe(row.owner);
    }
    // The gauge tells an operator which instance runs what.
    const gauge = await started[0]!.metrics.leasesHeld.get();
    expect(gauge.values).toHaveLength(Object.values(LEASE).length);
  });

  it('hands the leases of an instance that stops to the others at their next heartbeat', async () => {
    const holder = platforms.find((p) => p.leases.held().includes(LEASE.scheduler));
    expect(holder).toBeDefined();
    const mine = holder!.leases.held();
    await holder!.close({ graceMs: 0 });
    const rest = platforms.filter((p) => p !== holder);
    for (const p of rest) await p.leases.tick();
    expect(rest.flatMap((p) => p.leases.held()).sort()).toEqual(Object.values(LEASE).sort());
    expect(rest.some((p) => mine.every((name) => p.leases.held().includes(name)))).toBe(true);
  });
});
