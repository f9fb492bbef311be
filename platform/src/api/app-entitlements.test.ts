/**
 * Entitlements on a real platform: a version published with access `grant` launches (managed
 * launch, `POST /v1/allocations/{id}/app`) only in projects holding an active grant; granting,
 * listing, expiry and revocation; who may manage grants; the access derived from prices when the
 * operator sets none. The runtime is a stand-in that records launches.
 */
import { testDialects } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogApp } from '../apps/catalog.js';
import {
  catalogVersion,
  runningAllocation,
  standInRuntime,
  startCatalogFixture,
} from '../apps/catalog-fixtures.test.util.js';
import type { CatalogFixture } from '../apps/catalog-fixtures.test.util.js';

const dialects = await testDialects('app entitlements');

const priced = (name: string) => ({
  name,
  resources: { minimum: { gpus: { count: 1 } } },
  billing: { currency: 'USD', hourlyPrice: '0.50' },
});

describe.each(dialects)('app entitlements on %s', (dialect) => {
  let f: CatalogFixture;
  let runtime: Awaited<ReturnType<typeof standInRuntime>>;
  let tenant: string;
  let tenantProject: string;
  let outsider: string;
  let allocationId: string;
  let release: Record<string, string>;
  let seq = 0;

  const launch = async (reference: string) => {
    const res = await f.t.request(`/v1/allocations/${allocationId}/app`, {
      method: 'POST',
      token: tenant,
      json: { artifact: reference },
      headers: { 'idempotency-key': `ent-launch-${seq++}` },
    });
    return { status: res.status, body: (await res.json()) as { code?: string } };
  };
  const grant = async (body: Record<string, unknown>, token = f.publisherToken) => {
    const res = await f.t.request('/v1/apps/entitlements', {
      method: 'POST',
      token,
      json: body,
      headers: { 'idempotency-key': `ent-grant-${seq++}` },
    });
    return { status: res.status, body: (await res.json()) as { id: string; active: boolean; code?: string } };
  };

  beforeAll(async () => {
    runtime = await standInRuntime();
    ({ f, tenant, tenantProject } = await startCatalogFixture(dialect));
    const { t, operator } = f;
    outsider = (await t.login('outsider@example.com')).token;
    allocationId = await runningAllocation(t, operator, tenant, tenantProject, runtime.endpoint);

    await catalogVersion(f, {
      repository: 'acme/private',
      version: '1.0.0',
      manifest: priced('private'),
      access: 'grant',
    });
    await catalogVersion(f, { repository: 'acme/paid', version: '1.0.0', manifest: priced('paid') });
    await catalogVersion(f, {
      repository: 'acme/free',
      version: '1.0.0',
      manifest: { name: 'free', resources: {} },
    });
    const catalog = await t.request(`/v1/apps?project_id=${tenantProject}`, { token: tenant });
    const apps = ((await catalog.json()) as { items: CatalogApp[] }).items;
    release = Object.fromEntries(apps.map((a) => [a.name, a.versions[0]!.release_reference]));
    expect(Object.fromEntries(apps.map((a) => [a.name, a.versions[0]!.access]))).toEqual({
      'acme/free': 'free',
      'acme/paid': 'paid',
      'acme/private': 'grant',
    });
  }, 120_000);
  afterAll(async () => {
    await f?.t.close();
    await runtime?.close();
  });

  it('launches free and paid apps without a grant', async () => {
    expect((await launch(release['acme/free']!)).status).toBe(202);
    expect((await launch(release['acme/paid']!)).status).toBe(202);
  });

  it('refuses a grant app without a grant, before the runtime hears of it', async () => {
    const before = runtime.launches.length;
    const refused = await launch(release['acme/private']!);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('APP_NOT_ENTITLED');
    expect(runtime.launches.length).toBe(before);
  });

  it('grants, lists, expires and revokes', async () => {
    // Only the publisher's members and operators manage grants; the tenant does not learn the app exists.
    expect((await grant({ app: 'acme/private', project_id: tenantProject }, tenant)).status).toBe(404);
    expect((await grant({ app: 'acme/nothing', project_id: tenantProject })).status).toBe(404);

    const past = await grant({
      app: 'acme/private',
      project_id: tenantProject,
      until: '2020-01-01T00:00:00Z',
    });
    expect(past.status).toBe(201);
    expect(past.body.active).toBe(false);
    expect((await launch(release['acme/private']!)).body.code).toBe('APP_NOT_ENTITLED');

    const given = await grant({ app: 'acme/private', project_id: tenantProject });
    expect(given.status).toBe(201);
    expect(given.body.active).toBe(true);
    const again = await grant({
      app: 'acme/private',
      project_id: tenantProject,
      until: '2999-01-01T00:00:00Z',
    });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(given.body.id);
    expect((await launch(release['acme/private']!)).status).toBe(202);

    const mine = await f.t.request(`/v1/apps/entitlements?project_id=${tenantProject}`, { token: tenant });
    const items = ((await mine.json()) as { items: { id: string; active: boolean; until: string | null }[] })
      .items;
    expect(items.map((i) => [i.id, i.active])).toContainEqual([given.body.id, true]);
    const byApp = await f.t.request('/v1/apps/entitlements?app=acme%2Fprivate', { token: f.publisherToken });
    expect(byApp.status).toBe(200);
    expect((await f.t.request('/v1/apps/entitlements?app=acme%2Fprivate', { token: outsider })).status).toBe(
      404,
    );
    expect((await f.t.request('/v1/apps/entitlements', { token: tenant })).status).toBe(403);

    const byTenant = await f.t.request(`/v1/apps/entitlements/${given.body.id}`, {
      method: 'DELETE',
      token: tenant,
    });
    expect(byTenant.status).toBe(404);
    const revoked = await f.t.request(`/v1/apps/entitlements/${given.body.id}`, {
      method: 'DELETE',
      token: f.publisherToken,
    });
    expect(revoked.status).toBe(200);
    expect(((await revoked.json()) as { active: boolean }).active).toBe(false);
    expect((await launch(release['acme/private']!)).body.code).toBe('APP_NOT_ENTITLED');
  });
});
