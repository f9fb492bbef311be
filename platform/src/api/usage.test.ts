import { testDialects } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isoTime, newId } from '../ids.js';
import { startFakeNode } from '../testing/fake-node.js';
import type { FakeNode } from '../testing/fake-node.js';
import { startTestPlatform } from '../testing/harness.js';
import type { TestPlatform } from '../testing/harness.js';

const dialects = await testDialects('platform usage events');

describe.each(dialects)('usage events on %s', (dialect) => {
  let t: TestPlatform;
  let allocationId: string;
  let projectId: string;
  let runtimeToken: string;
  let owner: string;
  let node: FakeNode;

  beforeAll(async () => {
    t = await startTestPlatform(dialect, { rateLimit: { enabled: false } });
    const operator = (await t.login('ops@example.com', { operator: true })).token;
    owner = (await t.login('owner@example.com')).token;
    projectId = (
      (await (
        await t.request('/v1/projects', { method: 'POST', token: owner, json: { name: 'u' } })
      ).json()) as { id: string }
    ).id;
    node = await startFakeNode({ url: t.url, token: operator, name: 'n' });
    allocationId = (
      (await (
        await t.request('/v1/allocations', {
          method: 'POST',
          token: owner,
          json: { project_id: projectId, gpus: { count: 1 } },
        })
      ).json()) as { id: string }
    ).id;
    const accountId = newId();
    await t.platform.db
      .insertInto('service_accounts')
      .values({
        id: accountId,
        project_id: projectId,
        name: 'launch',
        scopes: 'usage:write',
        secret_hash: null,
        created_by: null,
        created_at: isoTime(),
        revoked_at: null,
        allocation_id: allocationId,
      })
      .execute();
    runtimeToken = (
      await t.platform.issueAccessToken({
        sub: accountId,
        principalType: 'service_account',
        projectId,
        scopes: ['usage:write'],
      })
    ).token;
  });
  afterAll(() => t?.close());

  const event = (id: string, quantity: number, meter = 'tokens', origin = 'app') => ({
    specversion: '1.0',
    id,
    source: `gpuaas-runtime/${allocationId}`,
    type: 'dev.gpuaas.usage.v1',
    subject: allocationId,
    time: isoTime(),
    data: { meter, quantity, allocation_id: allocationId, origin },
  });
  const send = (events: unknown[], token = runtimeToken) =>
    t.request('/v1/usage-events', { method: 'POST', token, json: { events } });

  it('stores each id once: a re-sent batch reports duplicates and the totals do not move', async () => {
    const first = await send([
      event('e-1', 0.1),
      event('e-2', 0.2),
      event('s-1', 60, 'gpu_seconds', 'runtime'),
    ]);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ accepted: ['e-1', 'e-2', 's-1'], duplicates: [] });
    const again = await send([event('e-2', 0.2), event('e-3', 0.3)]);
    expect(await again.json()).toEqual({ accepted: ['e-3'], duplicates: ['e-2'] });
    const usage = (await (
      await t.request(`/v1/allocations/${allocationId}/usage`, { token: owner })
    ).json()) as {
      meters: { meter: string; origin: string; quantity: string; events: number }[];
    };
    expect(usage.meters).toEqual([
      { meter: 'gpu_seconds', origin: 'runtime', quantity: '60', events: 1 },
      { meter: 'tokens', origin: 'app', quantity: '0.6', events: 3 },
    ]);
  });

  it('refuses people, other projects and mismatched subjects', async () => {
    expect((await send([event('p-1', 1)], owner)).status).toBe(403);
    const bad = { ...event('x-1', 1), subject: '00000000-0000-7000-8000-000000000000' };
    const mismatch = await send([bad]);
    expect(mismatch.status).toBe(400);
    const otherProject = (
      (await (
        await t.request('/v1/projects', { method: 'POST', token: owner, json: { name: 'other' } })
      ).json()) as { id: string }
    ).id;
    const accountId = newId();
    await t.platform.db
      .insertInto('service_accounts')
      .values({
        id: accountId,
        project_id: otherProject,
        name: 'x',
        scopes: 'usage:write',
        secret_hash: null,
        created_by: null,
        created_at: isoTime(),
        revoked_at: null,
      })
      .execute();
    const stranger = (
      await t.platform.issueAccessToken({
        sub: accountId,
        principalType: 'service_account',
        projectId: otherProject,
        scopes: ['usage:write'],
      })
    ).token;
    expect((await send([event('o-1', 1)], stranger)).status).toBe(404);
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
    const row = await t.platform.db
      .selectFrom('service_accounts')
      .select('revoked_at')
      .where('allocation_id', '=', allocationId)
      .executeTakeFirstOrThrow();
    const revoked = row.revoked_at;
    expect(revoked).not.toBeNull();
    expect((await send([event('late-1', 1)])).status).toBe(401);
  });
});
