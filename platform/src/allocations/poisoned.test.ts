/**
 * One bad record must not break a loop that serves others. Allocations are poisoned directly in
 * the database (what no API call can write any more), then the node's heartbeats must still answer
 * 200 with the other allocations, the reconciler and the scheduler must go on, each poisoned
 * allocation must end `failed` with a `record_invalid` reason, and another tenant's allocation on
 * the same node must still reach `running`. Also: the API bounds durations so none gets in.
 */
import { testDialects } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeNode } from '../testing/fake-node.js';
import type { FakeNode } from '../testing/fake-node.js';
import { startTestPlatform } from '../testing/harness.js';
import type { TestPlatform } from '../testing/harness.js';

const dialects = await testDialects('platform poisoned records');

interface Allocation {
  id: string;
  state: string;
  state_reason: string;
}
interface Problem {
  code: string;
  errors?: { in: string; pointer: string; detail: string }[];
}

describe.each(dialects)('poisoned allocation records on %s', (dialect) => {
  let t: TestPlatform;
  let node: FakeNode;
  let tenantA: string;
  let tenantB: string;
  let projectA: string;
  let projectB: string;

  const json = async <T>(res: Response, status: number): Promise<T> => {
    const body = await res.text();
    expect(res.status, body).toBe(status);
    return JSON.parse(body) as T;
  };
  const create = (token: string, projectId: string, body: Record<string, unknown> = {}) =>
    t.request('/v1/allocations', {
      method: 'POST',
      token,
      json: { project_id: projectId, gpus: { count: 1 }, ...body },
    });
  const get = async (id: string, token: string) =>
    json<Allocation>(await t.request(`/v1/allocations/${id}`, { token }), 200);
  const poison = (id: string, set: Record<string, unknown>) =>
    t.platform.db.updateTable('allocations').set(set).where('id', '=', id).execute();
  const until = async (check: () => Promise<boolean>, ms = 10_000) => {
    const deadline = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error('condition not met in time');
      await new Promise((r) => setTimeout(r, 25));
    }
  };

  beforeAll(async () => {
    t = await startTestPlatform(dialect, {
      rateLimit: { enabled: false },
      compute: { reconcileIntervalMs: 50, nodeUnreachableSeconds: 600 },
    });
    const operator = (await t.login('ops@example.com', { operator: true })).token;
    tenantA = (await t.login('a@example.com')).token;
    tenantB = (await t.login('b@example.com')).token;
    const project = async (token: string, name: string) =>
      (
        await json<{ id: string }>(
          await t.request('/v1/projects', { method: 'POST', token, json: { name } }),
          201,
        )
      ).id;
    projectA = await project(tenantA, 'tenant-a');
    projectB = await project(tenantB, 'tenant-b');
    node = await startFakeNode({ url: t.url, token: operator, name: `poison-${dialect}`, gpus: 8 });
    // A cordoned 64-GPU node: 64-GPU requests are satisfiable (not refused at creation), and queue.
    const big = await startFakeNode({ url: t.url, token: operator, name: `big-${dialect}`, gpus: 64 });
    await t.request(`/v1/nodes/${big.id}/cordon`, { method: 'POST', token: operator });
  });
  afterAll(() => t?.close());

  it.each([
    ['a ttl of 20 digits', { ttl: '99999999999999999999' }, '/ttl', /expected a duration|must match pattern/],
    ['a ttl over 30 days', { ttl: '30d1s' }, '/ttl', /at most 30d/],
    ['a ttl of zero', { ttl: '0s' }, '/ttl', /longer than zero/],
    ['an idle timeout over 7 days', { idle_timeout: '8d' }, '/idle_timeout', /at most 7d/],
    ['a GPU count over 64', { gpus: { count: 65 } }, '/gpus/count', /must be <= 64/],
    ['a priority over 1000', { priority: 1001 }, '/priority', /must be <= 1000/],
  ])('refuses %s with 400 VALIDATION_FAILED naming the field', async (_what, body, pointer, detail) => {
    const problem = await json<Problem>(await create(tenantA, projectA, body), 400);
    expect(problem.code).toBe('VALIDATION_FAILED');
    expect(problem.errors).toContainEqual({
      in: 'body',
      pointer,
      detail: expect.stringMatching(detail) as string,
    });
  });

  it('accepts the documented maxima', async () => {
    const created = await json<Allocation>(
      await create(tenantA, projectA, { ttl: '30d', idle_timeout: '7d', priority: 1000 }),
      201,
    );
    await json<Allocation>(
      await t.request(`/v1/allocations/${created.id}/release`, { method: 'POST', token: tenantA }),
      200,
    );
    await node.beatUntil(async () => (await get(created.id, tenantA)).state === 'released');
  });

  it('fails each poisoned allocation alone; heartbeats answer 200 and another tenant still reaches running', async () => {
    // Four of tenant A's allocations, each broken differently where a different loop reads it.
    const [ttl, gpus, idle] = await Promise.all(
      [0, 1, 2].map(async () => (await json<Allocation>(await create(tenantA, projectA), 201)).id),
    );
    const queued = (await json<Allocation>(await create(tenantA, projectA, { gpus: { count: 64 } }), 201)).id;
    if (ttl === undefined || gpus === undefined || idle === undefined) throw new Error('not created');
    // The fake reports each new sandbox as provisioning first; the beat after says running.
    await node.beatUntil(async () => (await get(ttl, tenantA)).state === 'provisioning');
    // A TTL no Date can hold (SQLite stores the REAL; PostgreSQL's integer column refuses it).
    await poison(ttl, { ttl_seconds: dialect === 'sqlite' ? 1e20 : -5 });
    await node.beatUntil(async () => (await get(gpus, tenantA)).state === 'running');
    await poison(gpus, { gpus: '{not json' });
    await poison(idle, { idle_timeout_seconds: 60, last_activity_at: 'yesterday, roughly' });
    await poison(queued, { models: 'not a list' });

    // Another tenant's allocation placed on the same node while all of that sits in the tables.
    const other = (await json<Allocation>(await create(tenantB, projectB), 201)).id;
    // beat() throws on any answer but 2xx: every heartbeat from here on must succeed.
    const assignments = await node.beat();
    expect(assignments.map((a) => a.allocation_id)).toContain(other);
    await node.beatUntil(async () => (await get(other, tenantB)).state === 'running');

    const reasons = await Promise.all([ttl, gpus, idle, queued].map((id) => get(id, tenantA)));
    expect(reasons.map((a) => [a.state, /^record_invalid: \w+/.exec(a.state_reason)?.[0]])).toEqual([
      ['failed', 'record_invalid: ttl_seconds'],
      ['failed', 'record_invalid: gpus'],
      ['failed', 'record_invalid: last_activity_at'],
      ['failed', 'record_invalid: models'],
    ]);
    // The node was told to tear the poisoned sandboxes down, and their GPUs are free again.
    await node.beatUntil(() => !node.running.has(ttl) && !node.running.has(gpus) && !node.running.has(idle));
    const held = await t.platform.db
      .selectFrom('allocation_gpus')
      .select('allocation_id')
      .where('allocation_id', 'in', [ttl, gpus, idle, queued])
      .execute();
    expect(held).toEqual([]);
    // A page that holds the malformed rows still lists.
    const page = await json<{ items: Allocation[] }>(
      await t.request(`/v1/allocations?project_id=${projectA}&limit=100`, { token: tenantA }),
      200,
    );
    expect(page.items.map((a) => a.id)).toEqual(expect.arrayContaining([ttl, gpus, idle, queued]));
    expect(t.logs.some((l) => l.msg === 'allocation record invalid: gpus is not JSON')).toBe(true);
  });

  it('keeps scheduling behind a poisoned queued request', async () => {
    const blocked = (await json<Allocation>(await create(tenantA, projectA, { gpus: { count: 64 } }), 201))
      .id;
    await poison(blocked, { gpu_count: 0 });
    const next = (await json<Allocation>(await create(tenantB, projectB), 201)).id;
    await until(async () => (await get(next, tenantB)).state !== 'queued');
    expect((await get(next, tenantB)).state).toBe('scheduled');
    expect(await get(blocked, tenantA)).toMatchObject({
      state: 'failed',
      state_reason: expect.stringMatching(/^record_invalid: gpu_count/) as string,
    });
  });
});
