/**
 * No GPU is ever given to two allocations: hundreds of parallel creates and releases, on SQLite
 * and on PostgreSQL with two platform instances sharing the database, while the invariant is
 * checked continuously against the database itself.
 */
import { testDialects } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AllocationGpuView } from './views.js';
import { startFakeNode } from '../testing/fake-node.js';
import type { FakeNode } from '../testing/fake-node.js';
import { startTestPlatform } from '../testing/harness.js';
import type { TestPlatform } from '../testing/harness.js';

const dialects = await testDialects('platform allocation concurrency');
const NODES = 4;
const GPUS_PER_NODE = 8;
const REQUESTS = 240;

describe.each(dialects)('concurrent allocations on %s', (dialect) => {
  const instances: TestPlatform[] = [];
  let owner: string;
  let projectId: string;
  const fakes: FakeNode[] = [];
  const stops: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    // One issuer for both instances, as behind one load balancer.
    const options = {
      rateLimit: { enabled: false },
      compute: { reconcileIntervalMs: 100 },
      // 240 allocations queued at once each hold their first minute: more than the default credit.
      billing: { starterCredit: '1000.00' },
      publicUrl: 'http://127.0.0.1:9',
    } as const;
    const first = await startTestPlatform(dialect, options);
    instances.push(first);
    // On PostgreSQL, a second instance races the first for the same GPUs.
    if (dialect === 'postgres')
      instances.push(await startTestPlatform(dialect, { ...options, store: first.store }));
    const operator = (await first.login('ops@example.com', { operator: true })).token;
    owner = (await first.login('owner@example.com')).token;
    const res = await first.request('/v1/projects', { method: 'POST', token: owner, json: { name: 'race' } });
    projectId = ((await res.json()) as { id: string }).id;
    for (let n = 0; n < NODES; n += 1) {
      const target = instances[n % instances.length]!;
      const node = await startFakeNode({
        url: target.url,
        token: operator,
        name: `race-${n}`,
        gpus: GPUS_PER_NODE,
      });
      fakes.push(node);
      stops.push(node.run(40));
    }
  });

  afterAll(async () => {
    for (const stop of stops) await stop();
    for (const t of [...instances].reverse()) await t.close();
  });

  /** Checks the invariant from the database: every held GPU belongs to exactly one allocation. */
  const checkInvariant = async () => {
    const db = instances[0]!.platform.db;
    const rows = await db
      .selectFrom('allocations')
      .select(['id', 'gpus', 'gpu_count', 'state'])
      .where('state', 'in', ['scheduled', 'provisioning', 'running', 'releasing'])
      .execute();
    const owners = new Map<string, string>();
    for (const row of rows) {
      const gpus = JSON.parse(row.gpus) as AllocationGpuView[];
      expect(gpus, `allocation ${row.id} got what it asked for`).toHaveLength(row.gpu_count);
      for (const gpu of gpus) {
        const holder = owners.get(gpu.gpu_id ?? '');
        expect(holder, `GPU ${gpu.gpu_id} held by ${holder} and ${row.id}`).toBeUndefined();
        owners.set(gpu.gpu_id ?? '', row.id);
      }
    }
    const claims = await db.selectFrom('allocation_gpus').selectAll().execute();
    expect(claims.length).toBeLessThanOrEqual(NODES * GPUS_PER_NODE);
    for (const claim of claims) {
      const holder = owners.get(claim.gpu_id);
      // A claim without a holding allocation may only be a final one whose claim is being removed.
      if (holder !== undefined) expect(holder).toBe(claim.allocation_id);
    }
    return owners.size;
  };

  it(`hands out ${NODES * GPUS_PER_NODE} GPUs to ${REQUESTS} racing requests without ever double-booking`, async () => {
    let checking = true;
    let checks = 0;
    let peak = 0;
    const checker = (async () => {
      while (checking) {
        peak = Math.max(peak, await checkInvariant());
        checks += 1;
        await new Promise((r) => setTimeout(r, 10));
      }
    })();

    const sizes = [1, 2, 4, 8];
    const ids: string[] = [];
    await Promise.all(
      Array.from({ length: REQUESTS }, async (_, i) => {
        const t = instances[i % instances.length]!;
        const res = await t.request('/v1/allocations', {
          method: 'POST',
          token: owner,
          json: { project_id: projectId, gpus: { count: sizes[i % sizes.length] } },
        });
        expect(res.status).toBe(201);
        const { id } = (await res.json()) as { id: string };
        ids.push(id);
        // Every third one is released at once, racing its own placement.
        if (i % 3 === 0) {
          const r = await instances[(i + 1) % instances.length]!.request(`/v1/allocations/${id}/release`, {
            method: 'POST',
            token: owner,
          });
          expect(r.status).toBe(200);
        }
      }),
    );
    // Churn: release whatever runs, in parallel on every instance, while the queue keeps being placed.
    const db = instances[0]!.platform.db;
    const churnUntil = Date.now() + 60_000;
    for (;;) {
      const running = await db
        .selectFrom('allocations')
        .select('id')
        .where('state', '=', 'running')
        .execute();
      const queued = await db.selectFrom('allocations').select('id').where('state', '=', 'queued').execute();
      if (queued.length === 0 || Date.now() > churnUntil) break;
      await Promise.all(
        running.map(async ({ id }, i) => {
          const r = await instances[i % instances.length]!.request(`/v1/allocations/${id}/release`, {
            method: 'POST',
            token: owner,
          });
          expect(r.status).toBe(200);
        }),
      );
      await new Promise((r) => setTimeout(r, 30));
    }
    await Promise.all(
      ids.map(async (id, i) => {
        const r = await instances[i % instances.length]!.request(`/v1/allocations/${id}/release`, {
          method: 'POST',
          token: owner,
        });
        expect(r.status).toBe(200);
      }),
    );
    const deadline = Date.now() + 60_000;
    for (;;) {
      const open = await db
        .selectFrom('allocations')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('state', 'not in', ['released', 'failed'])
        .executeTakeFirstOrThrow();
      if (Number(open.n) === 0) break;
      if (Date.now() > deadline) {
        const stuck = await db
          .selectFrom('allocations')
          .select(['id', 'state', 'state_reason', 'node_id', 'torn_down'])
          .where('state', 'not in', ['released', 'failed'])
          .execute();
        throw new Error(`${open.n} allocations still open: ${JSON.stringify(stuck)}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    checking = false;
    await checker;
    expect(checks).toBeGreaterThan(5);
    // The race was real: at some point the cluster was (nearly) full.
    expect(peak).toBeGreaterThanOrEqual(NODES * GPUS_PER_NODE - 8);
    expect(await db.selectFrom('allocation_gpus').selectAll().execute()).toEqual([]);
    const sku = (await (
      await instances[0]!.request('/v1/catalog/gpus/h100-80gb', { token: owner })
    ).json()) as {
      available: number;
    };
    expect(sku.available).toBe(NODES * GPUS_PER_NODE);
    const placed = await db
      .selectFrom('allocation_transitions')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('to_state', '=', 'scheduled')
      .executeTakeFirstOrThrow();
    // Most requests were placed at some point (the rest were released while queued).
    expect(Number(placed.n)).toBeGreaterThan(REQUESTS / 2);
  }, 120_000);
});
