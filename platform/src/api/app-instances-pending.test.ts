/**
 * Catalog launches without an allocation, on a real platform with a fake node (registered
 * inventory, heartbeats on demand) and the stand-in runtime: the profile tier is chosen against
 * the live catalog, the allocation is created as the caller, the instance is `pending` and is
 * launched when the allocation runs; refusals create nothing; secrets are sealed, handed to the
 * runtime, and never stored or audited in clear; an allocation that fails fails its instance.
 */
import { testDialects } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppInstance } from '../apps/instances.js';
import { catalogVersion, standInRuntime, startCatalogFixture } from '../apps/catalog-fixtures.test.util.js';
import type { CatalogFixture, StandInRuntime } from '../apps/catalog-fixtures.test.util.js';
import { startFakeNode } from '../testing/fake-node.js';
import type { FakeNode } from '../testing/fake-node.js';
import { everyRow, instanceWhen, profiled } from './app-instances.test.util.js';

const dialects = await testDialects('app instances without an allocation');

const SECRET = 'sk-live-9f8e7d6c5b4a-never-in-clear';

type Body = AppInstance & { code?: string; errors?: { pointer: string; detail: string }[] };

describe.each(dialects)('app instances without an allocation on %s', (dialect) => {
  let f: CatalogFixture;
  let runtime: StandInRuntime;
  let node: FakeNode;
  let tenant: string;
  let tenantProject: string;
  let seq = 0;

  const launch = async (body: Record<string, unknown>) => {
    const res = await f.t.request('/v1/apps/instances', {
      method: 'POST',
      token: tenant,
      json: { project_id: tenantProject, accepted_permissions: ['projects:read'], ...body },
      headers: { 'idempotency-key': `pending-${seq++}` },
    });
    const text = await res.text();
    return { status: res.status, text, body: JSON.parse(text) as Body };
  };
  const counts = async () => ({
    allocations: (await f.t.platform.db.selectFrom('allocations').select('id').execute()).length,
    instances: (await f.t.platform.db.selectFrom('app_instances').select('id').execute()).length,
  });
  /** Releases and beats until the node has torn it down (its GPUs free again). */
  const release = async (id: string) => {
    await f.t.platform.compute.release(id, 'system');
    await node.beatUntil(async () => {
      const row = await f.t.platform.db
        .selectFrom('allocations')
        .select('state')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      return row.state === 'released';
    });
  };
  const allocationGpus = async (id: string) =>
    (
      await f.t.platform.db
        .selectFrom('allocations')
        .select('gpu_count')
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
    ).gpu_count;

  beforeAll(async () => {
    runtime = await standInRuntime();
    ({ f, tenant, tenantProject } = await startCatalogFixture(dialect));
    node = await startFakeNode({
      url: f.t.url,
      token: f.operator,
      name: 'n1',
      gpus: 8,
      endpoint: runtime.endpoint,
      runtimeSecret: 'r'.repeat(32),
    });
    const publish = (repository: string, resources: Record<string, unknown>) =>
      catalogVersion(f, { repository, version: '1.0.0', manifest: profiled(repository.slice(5), resources) });
    await publish('acme/echo', { minimum: { gpus: { count: 1 } }, recommended: { gpus: { count: 2 } } });
    await publish('acme/pair', { minimum: { gpus: { count: 2 } } });
    await publish('acme/huge', { minimum: { gpus: { count: 16, models: ['h100-80gb'] } } });
  }, 120_000);
  afterAll(async () => {
    await f?.t.close();
    await runtime?.close();
  });

  it('picks the recommended tier, answers pending, launches when the allocation runs, with the secret sealed', async () => {
    const launched = await launch({
      app: 'acme/echo',
      parameters: { model: 'large' },
      secrets: { token: SECRET },
    });
    expect(launched.status, launched.text).toBe(201);
    expect(launched.text).not.toContain(SECRET);
    expect(launched.body).toMatchObject({ state: 'pending', app: 'echo', failure: null, channel: 'stable' });
    const id = launched.body.id;
    expect(await allocationGpus(launched.body.allocation_id)).toBe(2);

    const ready = await instanceWhen(f.t, tenant, id, (i) => i.state === 'ready', node);
    expect(ready.allocation_id).toBe(launched.body.allocation_id);
    const sent = runtime.launches.at(-1)!;
    expect(sent.reference).toMatch(/\/release\/acme\/echo:1\.0\.0@sha256:/);
    expect(sent.parameters).toEqual({ model: 'large', token: SECRET });
    const row = await f.t.platform.db
      .selectFrom('app_instances')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.state).toBe('running');
    expect(row.sealed_secrets).toMatch(/^v1:/);
    const launches = await f.t.platform.db
      .selectFrom('app_launches')
      .selectAll()
      .where('instance_id', '=', id)
      .execute();
    expect(launches.map((l) => l.ended_at)).toEqual([null]);

    // Neither the database (audit trail included) nor any answer holds the secret in clear.
    const dump = await everyRow(f.t, dialect);
    expect(dump.includes(SECRET)).toBe(false);
    const audited = await f.t.platform.db
      .selectFrom('audit_events')
      .select('details')
      .where('action', '=', 'app.instance.launch')
      .where('target_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(audited.details ?? '{}')).toMatchObject({ secrets: ['token'] });

    const stopped = await f.t.request(`/v1/apps/instances/${id}/stop`, {
      method: 'POST',
      token: tenant,
      headers: { 'idempotency-key': `pending-stop-${seq++}` },
    });
    expect(((await stopped.json()) as AppInstance).state).toBe('stopped');
    const ended = await f.t.platform.db
      .selectFrom('app_instances')
      .select(['sealed_secrets', 'ended_at'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(ended.sealed_secrets).toBeNull();
    expect(ended.ended_at).not.toBeNull();
    await release(launched.body.allocation_id);
  });

  it('takes the minimum when the recommended tier does not fit now, and honours a gpus override', async () => {
    // 8 GPUs: 7 taken leaves one, so echo's recommended 2 cannot be placed now.
    const filler = await launch({ app: 'acme/echo', gpus: { count: 7 } });
    expect(filler.status, filler.text).toBe(201);
    expect(await allocationGpus(filler.body.allocation_id)).toBe(7);
    const minimum = await launch({ app: 'acme/echo' });
    expect(minimum.status, minimum.text).toBe(201);
    expect(await allocationGpus(minimum.body.allocation_id)).toBe(1);
    for (const b of [filler.body, minimum.body]) await release(b.allocation_id);
  });

  it('refuses what it cannot satisfy or what goes below the minimum, creating nothing', async () => {
    const before = await counts();
    const huge = await launch({ app: 'acme/huge' });
    expect([huge.status, huge.body.code]).toEqual([422, 'PROFILE_UNSATISFIABLE']);
    expect(JSON.stringify(huge.body.errors)).toContain('too_many_gpus');
    expect(huge.body.errors?.some((e) => e.detail.startsWith('closest offer: h100-80gb'))).toBe(true);

    const below = await launch({ app: 'acme/pair', gpus: { count: 1 } });
    expect([below.status, below.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(below.body.errors?.map((e) => e.pointer)).toEqual(['/gpus/count']);

    const asParameter = await launch({ app: 'acme/echo', parameters: { token: SECRET } });
    expect([asParameter.status, asParameter.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(asParameter.body.errors).toEqual([
      { in: 'body', pointer: '/parameters/token', detail: 'a secret: pass it in secrets' },
    ]);
    expect(asParameter.text).not.toContain(SECRET);
    const notSecret = await launch({ app: 'acme/echo', secrets: { model: 'large', nope: 'x' } });
    expect(notSecret.body.errors?.map((e) => e.pointer)).toEqual(['/secrets/model', '/secrets/nope']);
    const short = await launch({ app: 'acme/echo', secrets: { token: 'short' } });
    expect(short.body.errors?.map((e) => e.pointer)).toEqual(['/secrets/token']);
    expect(short.text).not.toContain('"short"');
    const gpusWithAllocation = await launch({
      app: 'acme/echo',
      allocation_id: 'x'.repeat(26),
      gpus: { count: 1 },
    });
    expect(gpusWithAllocation.status).toBe(400);

    expect(await counts()).toEqual(before);
    const audit = await f.t.platform.db.selectFrom('audit_events').select('details').execute();
    expect(JSON.stringify(audit)).not.toContain(SECRET);
  });

  it('answers a retry after a 5xx that followed the commit with the instance it made, and makes no second', async () => {
    // The allocation and the instance commit together, noted under the key: the retry (same key)
    // answers with them instead of creating a second allocation that would hold GPUs unseen.
    const before = await counts();
    const attempt = () =>
      f.t.request('/v1/apps/instances', {
        method: 'POST',
        token: tenant,
        json: { project_id: tenantProject, accepted_permissions: ['projects:read'], app: 'acme/echo' },
        headers: { 'idempotency-key': 'pending-retried' },
      });
    process.env.GPUAAS_TEST_FAIL_AT = 'app-instances.created';
    try {
      expect((await attempt()).status).toBe(500);
    } finally {
      delete process.env.GPUAAS_TEST_FAIL_AT;
    }
    const made = await counts();
    expect(made).toEqual({ allocations: before.allocations + 1, instances: before.instances + 1 });
    const retried = await attempt();
    const body = (await retried.json()) as Body;
    expect(retried.status, JSON.stringify(body)).toBe(201);
    const row = await f.t.platform.db
      .selectFrom('app_instances')
      .select(['id', 'allocation_id'])
      .orderBy('created_at', 'desc')
      .executeTakeFirstOrThrow();
    expect([body.id, body.allocation_id]).toEqual([row.id, row.allocation_id]);
    expect(await counts()).toEqual(made);
    await release(row.allocation_id);
  });

  it('fails the instance with its code when the allocation fails', async () => {
    node.failNext = 'the sandbox could not start';
    const launched = await launch({ app: 'acme/echo', secrets: { token: SECRET } });
    expect(launched.status, launched.text).toBe(201);
    const failed = await instanceWhen(f.t, tenant, launched.body.id, (i) => i.state === 'failed', node);
    expect(failed.failure).toMatchObject({ code: 'ALLOCATION_NOT_RUNNING' });
    expect(failed.ended_at).not.toBeNull();
    const row = await f.t.platform.db
      .selectFrom('app_instances')
      .select('sealed_secrets')
      .where('id', '=', launched.body.id)
      .executeTakeFirstOrThrow();
    expect(row.sealed_secrets).toBeNull();
  });
});
