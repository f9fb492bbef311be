import { testDialects } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isoTime, newId } from '../ids.js';
import { startFakeNode } from '../testing/fake-node.js';
import type { FakeNode } from '../testing/fake-node.js';
import { startTestPlatform } from '../testing/harness.js';
import type { TestPlatform } from '../testing/harness.js';

const dialects = await testDialects('platform usage events');

interface Problem {
  code: string;
  detail: string;
  errors?: { in: string; pointer: string; detail: string }[];
}

describe.each(dialects)('usage events on %s', (dialect) => {
  let t: TestPlatform;
  let allocationId: string;
  let otherAllocationId: string;
  let projectId: string;
  let runtimeToken: string;
  let otherRuntimeToken: string;
  let owner: string;
  let ownerId: string;
  let operator: string;
  let node: FakeNode;

  /** A service account as the platform stores it; `allocation` makes it a launch's. */
  const account = async (project: string, allocation: string | null, scopes = ['usage:write']) => {
    const id = newId();
    await t.platform.db
      .insertInto('service_accounts')
      .values({
        id,
        project_id: project,
        name: `sa-${id.slice(-8)}`,
        scopes: scopes.join(' '),
        secret_hash: null,
        created_by: ownerId,
        created_at: isoTime(),
        revoked_at: null,
        allocation_id: allocation,
      })
      .execute();
    return (
      await t.platform.issueAccessToken({
        sub: id,
        principalType: 'service_account',
        projectId: project,
        scopes,
      })
    ).token;
  };
  const allocate = async () =>
    (
      (await (
        await t.request('/v1/allocations', {
          method: 'POST',
          token: owner,
          json: { project_id: projectId, gpus: { count: 1 } },
        })
      ).json()) as { id: string }
    ).id;

  beforeAll(async () => {
    t = await startTestPlatform(dialect, { rateLimit: { enabled: false } });
    operator = (await t.login('ops@example.com', { operator: true })).token;
    const login = await t.login('owner@example.com');
    owner = login.token;
    ownerId = login.user.id;
    projectId = (
      (await (
        await t.request('/v1/projects', { method: 'POST', token: owner, json: { name: 'u' } })
      ).json()) as { id: string }
    ).id;
    node = await startFakeNode({ url: t.url, token: operator, name: 'n', gpus: 2 });
    allocationId = await allocate();
    otherAllocationId = await allocate();
    runtimeToken = await account(projectId, allocationId);
    otherRuntimeToken = await account(projectId, otherAllocationId);
  });
  afterAll(() => t?.close());

  const event = (
    id: string,
    quantity: number,
    { meter = 'tokens', origin = 'app', allocation = allocationId, time = isoTime() } = {},
  ) => ({
    specversion: '1.0',
    id,
    source: `gpuaas-runtime/${allocation}`,
    type: 'dev.gpuaas.usage.v1',
    subject: allocation,
    time,
    data: { meter, quantity, allocation_id: allocation, origin },
  });
  const send = (events: unknown[], token = runtimeToken) =>
    t.request('/v1/usage-events', { method: 'POST', token, json: { events } });
  const usageOf = async (id: string) =>
    (
      (await (await t.request(`/v1/allocations/${id}/usage`, { token: owner })).json()) as {
        meters: { meter: string; origin: string; quantity: string; events: number }[];
      }
    ).meters;
  const storedIds = async (id: string) =>
    (
      await t.platform.db
        .selectFrom('usage_events')
        .select('id')
        .where('allocation_id', '=', id)
        .orderBy('id')
        .execute()
    ).map((r) => r.id);

  it('stores each id once: a re-sent batch reports duplicates and the totals do not move', async () => {
    const first = await send([
      event('e-1', 0.1),
      event('e-2', 0.2),
      event('s-1', 60, { meter: 'gpu_seconds', origin: 'runtime' }),
    ]);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ accepted: ['e-1', 'e-2', 's-1'], duplicates: [] });
    // The same usage at a later time (an app reporting again after a runtime restart) is a duplicate.
    const again = await send([event('e-2', 0.2, { time: '2030-01-01T00:00:00Z' }), event('e-3', 0.3)]);
    expect(await again.json()).toEqual({ accepted: ['e-3'], duplicates: ['e-2'] });
    expect(await usageOf(allocationId)).toEqual([
      { meter: 'gpu_seconds', origin: 'runtime', quantity: '60', events: 1 },
      { meter: 'tokens', origin: 'app', quantity: '0.6', events: 3 },
    ]);
  });

  it('refuses everyone but the runtime of the allocation, whatever their scopes', async () => {
    const plain = await account(projectId, null);
    const cases: [string, string, unknown[]][] = [
      ['the owner', owner, [event('p-1', 1)]],
      ['an operator', operator, [event('p-2', 1)]],
      ['a service account with usage:write but no launch', plain, [event('p-3', 1)]],
      ['the runtime of another allocation', otherRuntimeToken, [event('p-4', 1)]],
      [
        'a runtime mixing in an event of another allocation',
        runtimeToken,
        [event('p-5', 1), event('p-6', 1, { allocation: otherAllocationId })],
      ],
    ];
    for (const [who, token, events] of cases) {
      const res = await send(events, token);
      expect(res.status, who).toBe(403);
      expect(((await res.json()) as Problem).code, who).toBe('USAGE_REPORTER_FORBIDDEN');
    }
    expect(await storedIds(allocationId)).not.toContain('p-5');
    expect(await storedIds(otherAllocationId)).toEqual([]);

    const mismatch = await send([{ ...event('x-1', 1), subject: otherAllocationId }]);
    expect(mismatch.status).toBe(400);
    expect(((await mismatch.json()) as Problem).errors?.[0]?.pointer).toBe('/events/0/subject');
  });

  it("scopes ids by allocation: an id one runtime used does not swallow another allocation's event", async () => {
    // What a tenant did to freeze app_seconds: quantity 0 under the ids the runtime would use next.
    const squat = await send([event('next-1', 0, { allocation: otherAllocationId })], otherRuntimeToken);
    expect(await squat.json()).toEqual({ accepted: ['next-1'], duplicates: [] });
    const real = await send([event('next-1', 42)]);
    expect(await real.json()).toEqual({ accepted: ['next-1'], duplicates: [] });
    expect((await usageOf(allocationId)).find((m) => m.meter === 'tokens')?.quantity).toBe('42.6');
    expect((await usageOf(otherAllocationId)).find((m) => m.meter === 'tokens')?.quantity).toBe('0');
  });

  it('answers a repeated id with other usage as a conflict: 409, audited, logged, nothing overwritten or stored', async () => {
    expect((await send([event('c-1', 1)])).status).toBe(200);
    const res = await send([event('c-2', 5), event('c-1', 0), event('c-3', 7, { meter: 'images' })]);
    expect(res.status).toBe(409);
    const problem = (await res.json()) as Problem;
    expect(problem.code).toBe('USAGE_EVENT_CONFLICT');
    expect(problem.errors).toEqual([
      { in: 'body', pointer: '/events/1', detail: expect.stringContaining('c-1 was stored as 1') as string },
    ]);
    const stored = await t.platform.db
      .selectFrom('usage_events')
      .select(['id', 'quantity'])
      .where('allocation_id', '=', allocationId)
      .where('id', 'in', ['c-1', 'c-2', 'c-3'])
      .execute();
    expect(stored).toEqual([{ id: 'c-1', quantity: '1' }]);
    const audit = await t.platform.db
      .selectFrom('audit_events')
      .select(['action', 'status', 'target_id', 'details'])
      .where('action', '=', 'usage.ingest')
      .where('status', '=', 409)
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]?.target_id).toBe(allocationId);
    expect(JSON.parse(audit[0]?.details ?? '{}')).toMatchObject({
      code: 'USAGE_EVENT_CONFLICT',
      conflicts: 1,
      first_conflicts: [{ id: 'c-1', stored: { quantity: '1' }, sent: { quantity: '0' } }],
    });
    expect(t.logs.some((l) => l.level === 40 && String(l.msg).includes('different usage'))).toBe(true);
    // A second event under one id inside one batch is held to the first.
    const inBatch = await send([event('c-4', 1), event('c-4', 2)]);
    expect(((await inBatch.json()) as Problem).code).toBe('USAGE_EVENT_CONFLICT');
    expect(await storedIds(allocationId)).not.toContain('c-4');
    // The batch without the conflicting event goes through.
    const rest = await send([event('c-2', 5), event('c-3', 7, { meter: 'images' })]);
    expect(await rest.json()).toEqual({ accepted: ['c-2', 'c-3'], duplicates: [] });
  });

  it('refuses times and quantities that cannot be stored exactly, naming the field', async () => {
    const cases: [string, ReturnType<typeof event>, string, RegExp][] = [
      ['a leap second', event('v-1', 1, { time: '2016-12-31T23:59:60Z' }), '/events/0/time', /leap second/],
      [
        'year 0000',
        event('v-2', 1, { time: '0000-01-01T00:00:00Z' }),
        '/events/0/time',
        /1970-01-01 to 9999-12-31/,
      ],
      ['February 30', event('v-3', 1, { time: '2024-02-30T00:00:00Z' }), '/events/0/time', /date-time/],
      [
        'a subnormal number',
        event('v-4', 5e-324),
        '/events/0/data/quantity',
        /324 digits after the decimal point/,
      ],
      [
        'a float artefact',
        event('v-5', 0.1 + 0.2),
        '/events/0/data/quantity',
        /17 digits after the decimal point/,
      ],
      [
        '17 significant digits',
        event('v-6', 123456789.12345679),
        '/events/0/data/quantity',
        /17 significant digits/,
      ],
    ];
    for (const [what, bad, pointer, detail] of cases) {
      const res = await send([event('v-ok', 1), bad]);
      expect(res.status, what).toBe(400);
      const problem = (await res.json()) as Problem;
      expect(problem.code, what).toBe('VALIDATION_FAILED');
      expect(problem.errors, what).toEqual([
        {
          in: 'body',
          pointer: pointer.replace('/0/', '/1/'),
          detail: expect.stringMatching(detail) as string,
        },
      ]);
    }
    expect(await storedIds(allocationId)).not.toContain('v-ok');
    // Yesterday (inside the late window) at 23:59:59.999 UTC, written with a +01:00 offset.
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const lastInstant = `${yesterday}T23:59:59.999`;
    const nextDay = new Date(Date.parse(`${lastInstant}Z`) + 3_600_000).toISOString().slice(0, 23);
    const fine = await send([
      event('v-7', 0.000000001),
      event('v-8', 1e15),
      event('v-9', 1, { time: `${nextDay}+01:00` }),
    ]);
    expect(await fine.json()).toEqual({ accepted: ['v-7', 'v-8', 'v-9'], duplicates: [] });
    const times = await t.platform.db
      .selectFrom('usage_events')
      .select(['id', 'quantity', 'occurred_at'])
      .where('allocation_id', '=', allocationId)
      .where('id', 'in', ['v-7', 'v-8', 'v-9'])
      .orderBy('id')
      .execute();
    expect(times.map((r) => [r.quantity, r.occurred_at.slice(0, 23)])).toEqual([
      ['0.000000001', expect.any(String)],
      ['1000000000000000', expect.any(String)],
      ['1', lastInstant],
    ]);
  });

  it('refuses a batch holding an event older than the late window: 422, counted, nothing stored', async () => {
    const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
    const refusedSoFar = async () =>
      (await t.platform.metrics.usageEventsRefused.get()).values.find((v) => v.labels.reason === 'too_late')
        ?.value ?? 0;
    const before = await storedIds(allocationId);
    const counted = await refusedSoFar();
    const res = await send([
      event('late-fresh', 1),
      event('late-old', 1, { time: daysAgo(36) }),
      event('late-older', 1, { time: daysAgo(400) }),
    ]);
    expect(res.status).toBe(422);
    const problem = (await res.json()) as Problem;
    expect(problem.code).toBe('USAGE_EVENT_TOO_LATE');
    expect(problem.errors?.map((e) => e.pointer)).toEqual(['/events/1', '/events/2']);
    expect(problem.errors?.[0]?.detail).toContain('late-old');
    expect(await storedIds(allocationId)).toEqual(before);
    expect(await refusedSoFar()).toBe(counted + 2);
    const metrics = await (await t.request('/metrics')).text();
    expect(metrics).toMatch(/^gpuaas_usage_events_refused_total\{reason="too_late"\} \d+$/m);

    // Late, but inside the window: stored, to rate into the month it belongs to.
    const inside = await send([event('late-inside', 1, { time: daysAgo(34) })]);
    expect(inside.status).toBe(200);
    expect(await inside.json()).toEqual({ accepted: ['late-inside'], duplicates: [] });
  });

  it('revokes the launch service account when the allocation ends', async () => {
    await t.request(`/v1/allocations/${allocationId}/release`, { method: 'POST', token: owner });
    const state = async () =>
      (
        (await (await t.request(`/v1/allocations/${allocationId}`, { token: owner })).json()) as {
          state: string;
        }
      ).state;
    await node.beatUntil(async () => (await state()) === 'released');
    const rows = await t.platform.db
      .selectFrom('service_accounts')
      .select('revoked_at')
      .where('allocation_id', '=', allocationId)
      .execute();
    expect(rows.map((r) => r.revoked_at)).not.toContain(null);
    expect((await send([event('late-1', 1)])).status).toBe(401);
  });
});
