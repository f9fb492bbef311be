/**
 * Catalog launches on a real platform: `POST /v1/apps/instances` launches a published app's
 * release into the project's allocation through the same launch as launchApp (the stand-in
 * runtime sees the release reference and the parameters), with consent, parameter schemas,
 * the allocation's project and the minimum profile checked first (nothing reaches the runtime
 * on a refusal); the instance lists, reads its state from the runtime, and stops.
 */
import { testDialects } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppInstance } from '../apps/instances.js';
import {
  catalogVersion,
  createProject,
  runningAllocation,
  standInRuntime,
  startCatalogFixture,
} from '../apps/catalog-fixtures.test.util.js';
import type { CatalogFixture } from '../apps/catalog-fixtures.test.util.js';

const dialects = await testDialects('app instances');

const manifest = (name: string, gpus: Record<string, unknown>) => ({
  name,
  resources: { minimum: { gpus } },
  parameters: { model: { type: 'string', enum: ['small', 'large'] }, batch: { type: 'integer', minimum: 1 } },
  permissions: { scopes: ['projects:read'] },
  endpoints: [{ name: 'api', port: 8000, protocol: 'http' }],
});

describe.each(dialects)('app instances on %s', (dialect) => {
  let f: CatalogFixture;
  let runtime: Awaited<ReturnType<typeof standInRuntime>>;
  let tenant: string;
  let tenantProject: string;
  let otherProject: string;
  let allocationId: string;
  let otherAllocation: string;
  let seq = 0;

  const launch = async (body: Record<string, unknown>) => {
    const res = await f.t.request('/v1/apps/instances', {
      method: 'POST',
      token: tenant,
      json: { project_id: tenantProject, allocation_id: allocationId, ...body },
      headers: { 'idempotency-key': `instance-${seq++}` },
    });
    return {
      status: res.status,
      body: (await res.json()) as AppInstance & { code?: string; errors?: unknown[] },
    };
  };

  beforeAll(async () => {
    runtime = await standInRuntime();
    ({ f, tenant, tenantProject } = await startCatalogFixture(dialect));
    const { t, operator } = f;
    otherProject = await createProject(t, tenant, 'other');
    allocationId = await runningAllocation(t, operator, tenant, tenantProject, runtime.endpoint);
    otherAllocation = await runningAllocation(t, operator, tenant, otherProject, runtime.endpoint);
    await catalogVersion(f, {
      repository: 'acme/echo',
      version: '1.0.0',
      manifest: manifest('echo', { count: 1 }),
    });
    await catalogVersion(f, {
      repository: 'acme/big',
      version: '1.0.0',
      manifest: manifest('big', { count: 4 }),
    });
  }, 120_000);
  afterAll(async () => {
    await f?.t.close();
    await runtime?.close();
  });

  it('refuses without consent, with bad parameters, into another project or below the profile, before the runtime', async () => {
    const before = runtime.launches.length;
    const noConsent = await launch({ app: 'acme/echo' });
    expect([noConsent.status, noConsent.body.code]).toEqual([422, 'APP_CONSENT_REQUIRED']);
    const consent = { accepted_permissions: ['projects:read'] };
    const badEnum = await launch({ app: 'acme/echo', ...consent, parameters: { model: 'huge' } });
    expect([badEnum.status, badEnum.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    const unknown = await launch({ app: 'acme/echo', ...consent, parameters: { secret_token: 'x' } });
    expect(unknown.body.code).toBe('VALIDATION_FAILED');
    expect(JSON.stringify(unknown.body.errors)).toContain('/parameters/secret_token');
    const elsewhere = await launch({ app: 'acme/echo', ...consent, allocation_id: otherAllocation });
    expect(elsewhere.body.code).toBe('VALIDATION_FAILED');
    const big = await launch({ app: 'acme/big', ...consent });
    expect([big.status, big.body.code]).toEqual([409, 'PROFILE_NOT_MET']);
    expect(JSON.stringify(big.body.errors)).toContain('too_few_gpus');
    const missing = await launch({ app: 'acme/nothing', ...consent });
    expect(missing.status).toBe(404);
    expect(runtime.launches.length).toBe(before);
  });

  it('launches the release with the parameters, lists, reads the runtime state and stops', async () => {
    const launched = await launch({
      app: 'acme/echo',
      accepted_permissions: ['projects:read'],
      parameters: { model: 'large', batch: 4 },
    });
    expect(launched.status, JSON.stringify(launched.body)).toBe(202);
    const instance = launched.body;
    expect(instance).toMatchObject({
      state: 'fetching',
      allocation_id: allocationId,
      app: 'echo',
      version: '1.0.0',
    });
    expect(instance.endpoints).toEqual([
      {
        name: 'api',
        url: expect.stringMatching(new RegExp(`/v1/allocations/${allocationId}/app/endpoints/api/$`)),
      },
    ]);
    const sent = runtime.launches.at(-1)!;
    expect(sent.reference).toMatch(/\/release\/acme\/echo:1\.0\.0@sha256:/);
    expect(sent.parameters).toEqual({ model: 'large', batch: 4 });

    const list = await f.t.request(`/v1/apps/instances?project_id=${tenantProject}`, { token: tenant });
    const items = ((await list.json()) as { items: AppInstance[] }).items;
    expect(items.map((i) => i.id)).toEqual([instance.id]);
    const one = await f.t.request(`/v1/apps/instances/${instance.id}`, { token: tenant });
    expect(((await one.json()) as AppInstance).state).toBe('ready');
    const outsider = (await f.t.login('outsider@example.com')).token;
    expect((await f.t.request(`/v1/apps/instances/${instance.id}`, { token: outsider })).status).toBe(404);

    const stopped = await f.t.request(`/v1/apps/instances/${instance.id}/stop`, {
      method: 'POST',
      token: tenant,
    });
    expect(stopped.status).toBe(200);
    const body = (await stopped.json()) as AppInstance;
    expect(body.state).toBe('stopped');
    expect(body.ended_at).not.toBeNull();
  });
});
