/**
 * A node agent that restarts (after a kill -9 of the platform, or its own crash) re-creates the
 * sandboxes of allocations the platform still has `running`: their processes are gone. The
 * heartbeat that reveals it — `provisioning` for a running allocation, or `running` with another
 * runtime — must be recorded like any transition (transitions, audit, event stream), so the tenant
 * knows, and must not extend the TTL.
 */
import { testDialects } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform } from '../testing/harness.js';
import type { TestPlatform } from '../testing/harness.js';
import { SANDBOX_RECREATED } from '../nodes/heartbeat.js';

const dialects = await testDialects('platform re-created sandboxes');

interface Allocation {
  id: string;
  state: string;
  state_reason: string;
  expires_at: string | null;
  transitions: { from: string | null; to: string; reason: string; actor: string }[];
}

describe.each(dialects)('a sandbox re-created by its node on %s', (dialect) => {
  let t: TestPlatform;
  let operator: string;
  let owner: string;
  let projectId: string;
  let nodeId: string;

  const json = async <T>(res: Response, status: number): Promise<T> => {
    const body = await res.text();
    expect(res.status, body).toBe(status);
    return JSON.parse(body) as T;
  };
  const beat = async (allocations: Record<string, unknown>[]) =>
    json<{ assignments: { allocation_id: string; desired_state: string }[] }>(
      await t.request(`/v1/nodes/${nodeId}/heartbeat`, {
        method: 'POST',
        token: operator,
        json: { allocations },
      }),
      200,
    );
  const get = async (id: string) =>
    json<Allocation>(await t.request(`/v1/allocations/${id}`, { token: owner }), 200);
  const running = (id: string, secret: string) => ({
    id,
    state: 'running',
    endpoint: `unix:/run/${secret}.sock`,
    runtime_secret: secret,
  });
  /** A running allocation with a TTL, brought up the way an agent does. */
  const startOne = async () => {
    const created = await json<Allocation>(
      await t.request('/v1/allocations', {
        method: 'POST',
        token: owner,
        json: { project_id: projectId, gpus: { count: 1 }, ttl: '2h' },
      }),
      201,
    );
    await beat([{ id: created.id, state: 'provisioning' }]);
    await beat([running(created.id, 'first-secret-0123456789')]);
    const up = await get(created.id);
    expect(up.state).toBe('running');
    return up;
  };

  beforeAll(async () => {
    t = await startTestPlatform(dialect, { rateLimit: { enabled: false } });
    operator = (await t.login('ops@example.com', { operator: true })).token;
    owner = (await t.login('owner@example.com')).token;
    projectId = (
      await json<{ id: string }>(
        await t.request('/v1/projects', { method: 'POST', token: owner, json: { name: 'recreated' } }),
        201,
      )
    ).id;
    nodeId = (
      await json<{ id: string }>(
        await t.request('/v1/nodes', {
          method: 'POST',
          token: operator,
          json: {
            name: `recreate-${dialect}`,
            agent_version: 'test',
            inventory: {
              gpus: [0, 1, 2].map((index) => ({ index, model: 'NVIDIA H100 80GB HBM3', memory_mib: 81_559 })),
            },
          },
        }),
        200,
      )
    ).id;
  });
  afterAll(() => t?.close());

  it('records running → provisioning (sandbox_recreated), on the event stream and in the audit trail', async () => {
    const up = await startOne();
    const stream = await fetch(`${t.url}/v1/events?project_id=${projectId}`, {
      headers: { authorization: `Bearer ${owner}` },
    });
    const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
    let seen = '';
    // The agent restarted over the same data folder and reports the sandbox starting again.
    await beat([{ id: up.id, state: 'provisioning' }]);
    const deadline = Date.now() + 5000;
    while (!seen.includes('sandbox_recreated') && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += value;
    }
    await reader.cancel();
    expect(seen).toContain(
      `"from":"running","to":"provisioning","reason":${JSON.stringify(SANDBOX_RECREATED)}`,
    );

    const restarting = await get(up.id);
    expect(restarting).toMatchObject({ state: 'provisioning', state_reason: SANDBOX_RECREATED });
    expect(restarting.transitions.at(-1)).toEqual({
      from: 'running',
      to: 'provisioning',
      reason: SANDBOX_RECREATED,
      at: expect.any(String) as string,
      actor: `node:${nodeId}`,
    });
    // The node is still told to run it, and once its runtime is back it runs with the same TTL.
    const reply = await beat([running(up.id, 'second-secret-0123456789')]);
    expect(reply.assignments).toContainEqual(
      expect.objectContaining({ allocation_id: up.id, desired_state: 'running' }),
    );
    const back = await get(up.id);
    expect(back.state).toBe('running');
    expect(back.expires_at).toBe(up.expires_at);
    expect(back.transitions.map((s) => s.to)).toEqual([
      'queued',
      'scheduled',
      'provisioning',
      'running',
      'provisioning',
      'running',
    ]);

    const audit = await json<{ items: { action: string; details: { from?: string; reason?: string } }[] }>(
      await t.request(
        `/v1/audit?project_id=${projectId}&target=${up.id}&action=allocation.state_changed&limit=100`,
        {
          token: operator,
        },
      ),
      200,
    );
    expect(audit.items.map((a) => a.details)).toContainEqual({
      from: 'running',
      to: 'provisioning',
      reason: SANDBOX_RECREATED,
    });
  });

  it('notices a runtime that came back between two heartbeats (running with another secret)', async () => {
    const up = await startOne();
    // A steady heartbeat changes nothing.
    await beat([running(up.id, 'first-secret-0123456789')]);
    expect((await get(up.id)).transitions).toHaveLength(4);
    await beat([running(up.id, 'other-secret-0123456789')]);
    const back = await get(up.id);
    expect(back.state).toBe('running');
    expect(back.expires_at).toBe(up.expires_at);
    expect(back.transitions.slice(4).map((s) => [s.from, s.to, s.reason])).toEqual([
      ['running', 'provisioning', SANDBOX_RECREATED],
      ['provisioning', 'running', 'runtime_ready'],
    ]);
    const stored = await t.platform.db
      .selectFrom('allocations')
      .select('runtime_secret')
      .where('id', '=', up.id)
      .executeTakeFirstOrThrow();
    expect(stored.runtime_secret).toBe('other-secret-0123456789');
  });

  it('follows the same runtime to a new address without calling it re-created', async () => {
    const up = await startOne();
    const moved = { ...running(up.id, 'first-secret-0123456789'), endpoint: 'http://10.0.3.7:40123' };
    await beat([moved]);
    const after = await get(up.id);
    expect(after.state).toBe('running');
    expect(after.transitions.map((x) => x.reason)).not.toContain(SANDBOX_RECREATED);
    const stored = await t.platform.db
      .selectFrom('allocations')
      .select(['endpoint', 'runtime_secret'])
      .where('id', '=', up.id)
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ endpoint: 'http://10.0.3.7:40123', runtime_secret: 'first-secret-0123456789' });
  });
});
