/**
 * Fencing in a real platform (fake node agent), on SQLite and PostgreSQL: once another instance
 * took the `scheduler` or `gpu-rater` lease over, this one places no GPU and settles no interval,
 * even before a heartbeat told it (a paused or partitioned process that resumes); its job stops
 * at once and starts again when the lease comes back.
 */
import { testDialects } from '@gpuaas/test-support';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { LEASE } from '../platform.js';
import { startFakeNode } from '../testing/fake-node.js';
import type { FakeNode } from '../testing/fake-node.js';
import { startTestPlatform } from '../testing/harness.js';
import type { TestPlatform } from '../testing/harness.js';
import { asBillingDb } from '../billing/db.js';
import { topUp } from '../billing/operations.js';
import { isLeaseLost } from './errors.js';
import { LeaseRunner } from './runner.js';

const dialects = await testDialects('lease fencing');
const TTL = 10_000;

describe.each(dialects)('fenced background work on %s', (dialect) => {
  let t: TestPlatform;
  let owner: string;
  let node: FakeNode;
  let projectId: string;
  let other: LeaseRunner | undefined;

  const db = () => t.platform.db;
  const state = async (id: string) =>
    (await db().selectFrom('allocations').select('state').where('id', '=', id).executeTakeFirstOrThrow())
      .state;
  const claims = async (id: string) =>
    db().selectFrom('allocation_gpus').select('gpu_id').where('allocation_id', '=', id).execute();
  const create = async () => {
    const res = await t.request('/v1/allocations', {
      method: 'POST',
      token: owner,
      json: { project_id: projectId, gpus: { count: 1 } },
    });
    expect(res.status, await res.clone().text()).toBe(201);
    return (await res.json()) as { id: string; state: string };
  };
  /** Another instance, whose clock says this one's lease has expired, takes `lease` over. */
  const takeOver = async (lease: string) => {
    other = new LeaseRunner({
      db: db(),
      logger: createLogger({ level: 'silent', destination: undefined }),
      owner: 'other-instance',
      ttlMs: TTL,
      clock: () => Date.now() + TTL,
    });
    other.run(lease, { start: () => undefined, stop: () => undefined });
    await other.start();
    expect(other.held()).toEqual([lease]);
  };
  /** The other instance stops cleanly; this one takes the lease back at its next heartbeat. */
  const handBack = async () => {
    await other?.stop();
    other = undefined;
    // A heartbeat of its own may be under way (tick() then joins it): one more after it.
    for (let i = 0; i < 3 && t.platform.leases.held().length < Object.keys(LEASE).length; i++) {
      await t.platform.leases.tick();
    }
  };

  beforeAll(async () => {
    t = await startTestPlatform(dialect, {
      rateLimit: { enabled: false },
      compute: { reconcileIntervalMs: 50, nodeUnreachableSeconds: 600 },
      billing: { starterCredit: '0', raterIntervalMs: 600_000 },
      leases: { ttlMs: TTL },
    });
    const operator = (await t.login('ops@example.com', { operator: true })).token;
    owner = (await t.login('owner@example.com')).token;
    node = await startFakeNode({ url: t.url, token: operator, name: `fence-${dialect}`, gpus: 2 });
    const res = await t.request('/v1/projects', { method: 'POST', token: owner, json: { name: 'fenced' } });
    projectId = ((await res.json()) as { id: string }).id;
    await topUp(asBillingDb(db()), {
      id: 'fence-topup',
      projectId,
      currency: 'USD',
      amount: 100_000_000n,
      reason: 'test',
    });
  });
  afterEach(handBack);
  afterAll(() => t?.close());

  it('holds every lease alone', () => {
    expect(t.platform.leases.held().sort()).toEqual(Object.values(LEASE).sort());
  });

  it('places nothing once the scheduler lease is taken over, and schedules again when it returns', async () => {
    await takeOver(LEASE.scheduler);
    // This instance has not heard of it yet: the create runs a cycle, whose claim is refused.
    const created = await create();
    expect(created.state).toBe('queued');
    expect(await claims(created.id)).toEqual([]);
    expect(t.platform.leases.held()).not.toContain(LEASE.scheduler);
    // The reconciler stopped with the lease: nothing places it here meanwhile.
    await new Promise((r) => setTimeout(r, 300));
    expect(await state(created.id)).toBe('queued');

    await handBack();
    expect(t.platform.leases.held()).toContain(LEASE.scheduler);
    await node.beatUntil(async () => (await state(created.id)) === 'running');
    expect(await claims(created.id)).toHaveLength(1);
    const release = await t.request(`/v1/allocations/${created.id}/release`, {
      method: 'POST',
      token: owner,
    });
    expect(release.status).toBe(200);
    await node.beatUntil(async () => (await state(created.id)) === 'released');
  });

  it('settles no GPU time once the rater lease is taken over, and settles it when it returns', async () => {
    const { id } = await create();
    await node.beatUntil(async () => (await state(id)) === 'running');
    // Two intervals of running time pass.
    const later = Date.now() + 130_000;
    const rated = () =>
      db().selectFrom('billing_rated_intervals').select('idx').where('allocation_id', '=', id).execute();

    await takeOver(LEASE.gpuRater);
    const refused = await t.platform.gpuRater.runOnce(later).catch((error: unknown) => error);
    expect(isLeaseLost(refused) && refused.lease).toBe(LEASE.gpuRater);
    expect(await rated()).toEqual([]);
    expect(t.platform.leases.held()).not.toContain(LEASE.gpuRater);

    await handBack();
    // (The first test's allocation has its final interval settled too.)
    expect((await t.platform.gpuRater.runOnce(later)).settled).toBeGreaterThanOrEqual(2);
    expect(await rated()).toHaveLength(2);
  });
});
