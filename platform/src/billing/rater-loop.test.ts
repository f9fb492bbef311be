/**
 * The GPU-time engine over a real platform (fake node agent), on SQLite and PostgreSQL: the first
 * interval held at creation (402 without funds), running time charged per interval, exactly once,
 * whether the rater runs late, after a restart or twice at once; queued time never charged; the
 * final partial interval at release; and enforcement — announced once, called off when funds
 * arrive, allocations released after the grace period with the charge equal to the time used.
 *
 * Time passes by moving an allocation's history into the past (its transitions and meter), as
 * the rater reads nothing else; the background loop is slowed down so each pass is the test's.
 */
import { testDialects } from '@gpuaas/test-support';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeNode } from '../testing/fake-node.js';
import type { FakeNode } from '../testing/fake-node.js';
import { startTestPlatform } from '../testing/harness.js';
import type { TestPlatform } from '../testing/harness.js';
import { checkLedger } from './check.js';
import { asBillingDb } from './db.js';
import { FUNDS_EXHAUSTED_EVENT, FUNDS_EXHAUSTED_REASON } from './enforcement.js';
import { projectBalance, topUp } from './operations.js';
import { GpuTimeRater } from './rater-loop.js';
import { parsePeriod, periodOf } from './statement-period.js';
import { asStatementDb, getStatement, verifyStatementChain } from './statements.js';

const dialects = await testDialects('billing GPU-time rater');

/** The H100 SKU's list price per GPU-hour (config-compute.ts DEFAULT_SKUS). */
const PRICE = 2_490_000n;
const GRACE_SECONDS = 30;

describe.each(dialects)('the GPU-time rater on %s', (dialect) => {
  let t: TestPlatform;
  let operator: string;
  let owner: string;
  let node: FakeNode;
  let topUps = 0;

  const billing = () => asBillingDb(t.platform.db);
  const db = () => t.platform.db;
  const rater = () => t.platform.gpuRater;
  const newProject = async (name: string) => {
    const res = await t.request('/v1/projects', { method: 'POST', token: owner, json: { name } });
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: string }).id;
  };
  const fund = (projectId: string, amount: bigint) =>
    topUp(billing(), {
      id: `test-topup-${(topUps += 1)}`,
      projectId,
      currency: 'USD',
      amount,
      reason: 'test',
    });
  const create = (projectId: string, count: number) =>
    t.request('/v1/allocations', {
      method: 'POST',
      token: owner,
      json: { project_id: projectId, gpus: { count } },
    });
  const state = async (id: string) =>
    (await db().selectFrom('allocations').select('state').where('id', '=', id).executeTakeFirstOrThrow())
      .state;
  const running = async (projectId: string, count = 1) => {
    const res = await create(projectId, count);
    expect(res.status, await res.clone().text()).toBe(201);
    const { id } = (await res.json()) as { id: string };
    await node.beatUntil(async () => (await state(id)) === 'running');
    return id;
  };
  /** `seconds` pass for the allocation: its whole history moves that far into the past. */
  const pass = async (id: string, seconds: number) => {
    const rows = await db()
      .selectFrom('allocation_transitions')
      .select(['id', 'at'])
      .where('allocation_id', '=', id)
      .execute();
    for (const row of rows) {
      await db()
        .updateTable('allocation_transitions')
        .set({ at: new Date(Date.parse(row.at) - seconds * 1000).toISOString() })
        .where('id', '=', row.id)
        .execute();
    }
    const meter = await db()
      .selectFrom('billing_gpu_meters')
      .select('running_since')
      .where('allocation_id', '=', id)
      .executeTakeFirstOrThrow();
    if (meter.running_since !== null) {
      await db()
        .updateTable('billing_gpu_meters')
        .set({ running_since: new Date(Date.parse(meter.running_since) - seconds * 1000).toISOString() })
        .where('allocation_id', '=', id)
        .execute();
    }
  };
  const release = async (id: string) => {
    const res = await t.request(`/v1/allocations/${id}/release`, { method: 'POST', token: owner });
    expect(res.status).toBe(200);
  };
  const releasedOnNode = async (id: string) => {
    await node.beatUntil(async () => (await state(id)) === 'released');
  };
  /** Whole seconds between entering `running` and leaving it, read straight from the history. */
  const ranFor = async (id: string) => {
    const changes = await db()
      .selectFrom('allocation_transitions')
      .select(['to_state', 'at'])
      .where('allocation_id', '=', id)
      .orderBy('at')
      .execute();
    const start = changes.findIndex((c) => c.to_state === 'running');
    const end = changes[start + 1];
    expect(start).toBeGreaterThanOrEqual(0);
    if (end === undefined) throw new Error(`${id} is still running`);
    return Math.floor((Date.parse(end.at) - Date.parse(changes[start]?.at ?? '')) / 1000);
  };
  const charged = async (id: string) => {
    const row = await db()
      .selectFrom('billing_transfers')
      .select(sql<string>`cast(coalesce(sum(amount), 0) as text)`.as('total'))
      .where('allocation_id', '=', id)
      .where('category', '=', 'gpu_time')
      .where('kind', 'in', ['post', 'single'])
      .executeTakeFirstOrThrow();
    return BigInt(row.total);
  };
  const openHolds = async (id: string) =>
    db()
      .selectFrom('billing_transfers as hold')
      .select('hold.id')
      .where('hold.allocation_id', '=', id)
      .where('hold.kind', '=', 'pending')
      .where((eb) =>
        eb.not(
          eb.exists(
            eb.selectFrom('billing_transfers as r').select('r.id').whereRef('r.pending_id', '=', 'hold.id'),
          ),
        ),
      )
      .execute();
  const ratedIntervals = async (id: string) =>
    db()
      .selectFrom('billing_rated_intervals')
      .select(['idx', 'is_final'])
      .where('allocation_id', '=', id)
      .orderBy('idx')
      .execute();

  beforeAll(async () => {
    t = await startTestPlatform(dialect, {
      rateLimit: { enabled: false },
      compute: { reconcileIntervalMs: 50, nodeUnreachableSeconds: 600 },
      billing: { starterCredit: '0', graceSeconds: GRACE_SECONDS, raterIntervalMs: 600_000 },
    });
    operator = (await t.login('ops@example.com', { operator: true })).token;
    owner = (await t.login('owner@example.com')).token;
    node = await startFakeNode({ url: t.url, token: operator, name: `rater-${dialect}`, gpus: 4 });
  });
  afterAll(() => t?.close());

  it('refuses an allocation whose first interval the project cannot hold (402), and holds it once funded', async () => {
    const projectId = await newProject('unfunded');
    const refused = await create(projectId, 2);
    expect(refused.status).toBe(402);
    const problem = (await refused.json()) as { code: string; detail: string };
    expect(problem.code).toBe('INSUFFICIENT_FUNDS');
    expect(problem.detail).toContain('gpuaas billing balance');
    const left = await db()
      .selectFrom('allocations')
      .select('id')
      .where('project_id', '=', projectId)
      .execute();
    expect(left).toEqual([]);

    await fund(projectId, 1_000_000n);
    const created = await create(projectId, 2);
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    // Two GPUs for 60 s at the dearest SKU in the fleet (the fake node's H100s).
    expect(await projectBalance(billing(), projectId, 'USD')).toMatchObject({ holds: 83_000n });
    await release(id);
    await releasedOnNode(id);
  });

  it('charges running time per interval exactly once: late, after a restart, twice at once, and at release', async () => {
    const projectId = await newProject('metered');
    await fund(projectId, 10_000_000n);
    const id = await running(projectId);
    expect((await rater().runOnce()).settled).toBe(0);

    await pass(id, 150);
    const late = await rater().runOnce();
    expect(late.settled).toBe(2);
    expect(await ratedIntervals(id)).toEqual([
      { idx: 0, is_final: 0 },
      { idx: 1, is_final: 0 },
    ]);
    expect((await rater().runOnce()).settled).toBe(0);
    const restarted = new GpuTimeRater({
      db: db(),
      bus: t.platform.compute.bus,
      logger: t.platform.logger,
      config: t.platform.config.billing,
      release: (allocationId, reason) => t.platform.compute.release(allocationId, 'system', reason),
    });
    expect((await restarted.runOnce()).settled).toBe(0);

    await pass(id, 200);
    const [a, b] = await Promise.all([rater().runOnce(), restarted.runOnce()]);
    expect((a?.settled ?? 0) + (b?.settled ?? 0)).toBe(3);
    expect(await charged(id)).toBe((PRICE * 300n) / 3600n);

    await release(id);
    const final = await rater().runOnce();
    expect(final.closed).toContain(id);
    expect(final.settled).toBe(1);
    const seconds = await ranFor(id);
    expect(seconds).toBeGreaterThanOrEqual(350);
    expect(await charged(id)).toBe((PRICE * BigInt(seconds)) / 3600n);
    expect(await openHolds(id)).toEqual([]);
    expect((await ratedIntervals(id)).at(-1)).toEqual({ idx: Math.floor(seconds / 60), is_final: 1 });
    const balance = await projectBalance(billing(), projectId, 'USD');
    expect(balance).toMatchObject({ holds: 0n, balance: 10_000_000n - (await charged(id)) });
    expect((await rater().runOnce()).settled).toBe(0);
    await releasedOnNode(id);
    expect((await checkLedger(billing())).ok).toBe(true);
  });

  it('never charges queued time, and releases the first hold of an allocation that never ran', async () => {
    const projectId = await newProject('queued');
    await fund(projectId, 1_000_000n);
    const blocker = await running(projectId, 4);
    const res = await create(projectId, 4);
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    expect(await state(id)).toBe('queued');
    await pass(id, 600);
    expect((await rater().runOnce()).settled).toBe(0);
    await release(id);
    expect((await rater().runOnce()).closed).toContain(id);
    expect(await charged(id)).toBe(0n);
    expect(await openHolds(id)).toEqual([]);
    expect(await ratedIntervals(id)).toEqual([]);
    await release(blocker);
    await releasedOnNode(blocker);
    await rater().runOnce();
  });

  it('tells a project out of funds once, and lets its allocation go on when funds arrive', async () => {
    const projectId = await newProject('topped-up');
    // Two and a half intervals of one GPU (41,500 micros each).
    await fund(projectId, 100_000n);
    const id = await running(projectId);
    await pass(id, 121);
    expect((await rater().runOnce()).exhausted).toContain(projectId);
    expect((await rater().runOnce()).exhausted).toContain(projectId);
    const events = await db()
      .selectFrom('platform_events')
      .select(['subject', 'data'])
      .where('type', '=', FUNDS_EXHAUSTED_EVENT)
      .where('project_id', '=', projectId)
      .execute();
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0]?.data ?? '{}')).toMatchObject({
      project_id: projectId,
      currency: 'USD',
      allocation_ids: [id],
      needed_micros: 41_500,
    });
    const audit = await db()
      .selectFrom('audit_events')
      .select('target_id')
      .where('action', '=', FUNDS_EXHAUSTED_EVENT)
      .where('project_id', '=', projectId)
      .execute();
    expect(audit).toEqual([{ target_id: projectId }]);

    await fund(projectId, 1_000_000n);
    const resumed = await rater().runOnce(Date.now() + (GRACE_SECONDS + 5) * 1000);
    expect(resumed.exhausted).not.toContain(projectId);
    expect(resumed.released).not.toContain(id);
    expect(await state(id)).toBe('running');
    expect(await openHolds(id)).toHaveLength(1);
    await release(id);
    await rater().runOnce();
    await releasedOnNode(id);
  });

  it('releases a project’s allocations after the grace period, charging the time used to the micro', async () => {
    const projectId = await newProject('exhausted');
    await fund(projectId, 100_000n);
    const id = await running(projectId);
    await pass(id, 121);
    const exhausted = await rater().runOnce();
    expect(exhausted.exhausted).toContain(projectId);
    const episode = await db()
      .selectFrom('billing_funds_exhausted')
      .selectAll()
      .where('project_id', '=', projectId)
      .executeTakeFirstOrThrow();
    // The grace period counts from when the unheld interval began, not from when a pass saw it.
    expect(Date.now() - Date.parse(episode.since)).toBeGreaterThanOrEqual(1000);
    expect(Date.parse(episode.release_after) - Date.parse(episode.since)).toBe(GRACE_SECONDS * 1000);

    // Another interval passes unheld: it is charged all the same (time already used).
    await pass(id, 60);
    const within = await rater().runOnce(Date.parse(episode.release_after) - 1000);
    expect(within.released).toEqual([]);
    expect(await state(id)).toBe('running');
    const after = await rater().runOnce(Date.parse(episode.release_after));
    expect(after.released).toEqual([id]);
    const row = await db()
      .selectFrom('allocations')
      .select(['state', 'state_reason'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ state: 'releasing', state_reason: FUNDS_EXHAUSTED_REASON });

    await rater().runOnce();
    await releasedOnNode(id);
    const seconds = await ranFor(id);
    const charge = (PRICE * BigInt(seconds)) / 3600n;
    expect(await charged(id)).toBe(charge);
    const balance = await projectBalance(billing(), projectId, 'USD');
    // Past zero by exactly the time used beyond the funds; nothing is held any more.
    expect(balance).toMatchObject({ holds: 0n, balance: 100_000n - charge });
    expect(balance.balance).toBeLessThan(0n);
    expect((await rater().runOnce()).exhausted).not.toContain(projectId);
    expect((await checkLedger(billing())).ok).toBe(true);
  });

  // Last: its clock is weeks ahead, which closes the statements of every project here.
  it('closes a month’s statements as system once the month plus the late window is over', async () => {
    const projectId = await newProject('statements');
    await fund(projectId, 1_000_000n);
    await rater().runOnce();
    const open = await db()
      .selectFrom('billing_gpu_meters')
      .select('allocation_id')
      .where('closed_at', 'is', null)
      .execute();
    // Nothing left to rate, so the clock below moves nothing but statements.
    expect(open).toEqual([]);
    const period = periodOf(new Date().toISOString());
    const due = Date.parse(parsePeriod(period).end) + t.platform.config.billing.lateWindowDays * 86_400_000;
    const key = { projectId, currency: 'USD', period };

    expect((await rater().runOnce(due - 1)).statementsClosed).not.toContainEqual(key);
    expect((await rater().runOnce(due)).statementsClosed).toContainEqual(key);
    expect((await rater().runOnce(due)).statementsClosed).toEqual([]);
    const statement = await getStatement(asStatementDb(db()), key);
    expect(statement.doc).toMatchObject({ status: 'closed', seq: 1, closed_at: new Date(due).toISOString() });
    const row = await db()
      .selectFrom('billing_statements')
      .select('closed_by')
      .where('project_id', '=', projectId)
      .executeTakeFirstOrThrow();
    expect(row.closed_by).toBe('system');
    await expect(verifyStatementChain(asStatementDb(db()), { projectId, currency: 'USD' })).resolves.toEqual(
      [],
    );
  });
});
