/**
 * The relay's kept access decisions on a real platform (a running allocation whose runtime is a
 * stand-in): reused within the TTL, decided afresh after it, shared by concurrent callers, never
 * kept when refused, and dropped at once by a release or an access change on the event bus.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../auth/principal.js';
import { UserDirectory } from '../auth/standing.js';
import { startTestPlatform } from '../testing/harness.js';
import type { TestPlatform } from '../testing/harness.js';
import { createProject, runningAllocation, standInRuntime } from './catalog-fixtures.test.util.js';
import type { StandInRuntime } from './catalog-fixtures.test.util.js';
import { EndpointAccessCache } from './endpoint-access.js';

describe('the endpoint relay access cache', () => {
  let t: TestPlatform;
  let runtime: StandInRuntime;
  let operator: string;
  let owner: { token: string; principal: Principal };
  let member: { token: string; principal: Principal; id: string };
  let projectId: string;
  let clock = 1_000_000;

  const cache = () =>
    new EndpointAccessCache({
      db: t.platform.db,
      users: new UserDirectory(t.platform.db),
      bus: t.platform.compute.bus,
      ttlMs: 1_000,
      now: () => clock,
    });
  const user = (id: string): Principal => ({ type: 'user', id, operator: false, scopes: undefined });

  beforeAll(async () => {
    t = await startTestPlatform('sqlite', { rateLimit: { enabled: false } });
    runtime = await standInRuntime();
    operator = (await t.login('ops@example.com', { operator: true })).token;
    const o = await t.login('owner@example.com');
    owner = { token: o.token, principal: user(o.user.id) };
    projectId = await createProject(t, o.token, 'relay');
    const m = await t.login('member@example.com');
    member = { token: m.token, principal: user(m.user.id), id: m.user.id };
    const added = await t.request(`/v1/projects/${projectId}/members`, {
      method: 'POST',
      token: owner.token,
      json: { email: 'member@example.com', role: 'member' },
      headers: { 'idempotency-key': 'add-member-0001' },
    });
    expect(added.status, await added.text()).toBe(201);
  }, 60_000);
  afterAll(async () => {
    await runtime?.close();
    await t?.close();
  });

  it('reuses a decision within the TTL, shares it between concurrent callers, decides afresh after', async () => {
    const allocation = await runningAllocation(t, operator, owner.token, projectId, runtime.endpoint);
    const c = cache();
    const [first, concurrent] = [
      c.decide(member.token, member.principal, allocation),
      c.decide(member.token, member.principal, allocation),
    ];
    expect(concurrent).toBe(first);
    expect((await first).target).toEqual({
      endpoint: runtime.endpoint,
      secret: 'x'.repeat(32),
      certificateSha256: null,
    });
    clock += 999;
    expect(c.decide(member.token, member.principal, allocation)).toBe(first);
    // Another token of the same subject does not ride on it.
    expect(c.decide(owner.token, member.principal, allocation)).not.toBe(first);
    clock += 2;
    const later = c.decide(member.token, member.principal, allocation);
    expect(later).not.toBe(first);
    await later;
    c.close();
  });

  it('keeps no refusal', async () => {
    const allocation = await runningAllocation(t, operator, owner.token, projectId, runtime.endpoint);
    const c = cache();
    const stranger = (await t.login('stranger@example.com')).user.id;
    await expect(c.decide('t-stranger', user(stranger), allocation)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(c.size).toBe(0);
    c.close();
  });

  it('drops decisions about an allocation released, at once', async () => {
    const allocation = await runningAllocation(t, operator, owner.token, projectId, runtime.endpoint);
    const c = cache();
    await c.decide(owner.token, owner.principal, allocation);
    expect(c.size).toBe(1);
    const released = await t.request(`/v1/allocations/${allocation}/release`, {
      method: 'POST',
      token: owner.token,
      headers: { 'idempotency-key': `release-${allocation}` },
    });
    expect(released.status, await released.text()).toBeLessThan(300);
    expect(c.size).toBe(0);
    await expect(c.decide(owner.token, owner.principal, allocation)).rejects.toMatchObject({
      code: 'ALLOCATION_NOT_RUNNING',
    });
    c.close();
  });

  it("drops every decision when anyone's access changes", async () => {
    const allocation = await runningAllocation(t, operator, owner.token, projectId, runtime.endpoint);
    const c = cache();
    await c.decide(member.token, member.principal, allocation);
    await c.decide(owner.token, owner.principal, allocation);
    const removed = await t.request(`/v1/projects/${projectId}/members/${member.id}`, {
      method: 'DELETE',
      token: owner.token,
    });
    expect(removed.status, await removed.text()).toBe(204);
    expect(c.size).toBe(0);
    await expect(c.decide(member.token, member.principal, allocation)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    c.close();
  });
});
