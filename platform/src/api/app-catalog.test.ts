/**
 * The tenant's app catalog on a real platform with the embedded registry: only published (and
 * deprecated) versions approved for a scope covering the project are listed, grouped by
 * `publisher/app`, with search, category, paging and the one-app read.
 */
import { testDialects } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogApp } from '../apps/catalog.js';
import { catalogVersion, startCatalogFixture } from '../apps/catalog-fixtures.test.util.js';
import type { CatalogFixture } from '../apps/catalog-fixtures.test.util.js';

const dialects = await testDialects('app catalog');

const manifest = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  displayName: `${name} server`,
  description: `serves ${name}`,
  categories: ['inference'],
  resources: { minimum: { gpus: { count: 1 } } },
  parameters: { model: { type: 'string', default: 'small' } },
  permissions: { scopes: ['projects:read'] },
  billing: {
    currency: 'USD',
    hourlyPrice: '0.50',
    metered: [{ meter: 'requests', pricePerUnit: '0.000002' }],
  },
  endpoints: [{ name: 'api', port: 8000, protocol: 'http' }],
  ...extra,
});

describe.each(dialects)('app catalog on %s', (dialect) => {
  let f: CatalogFixture;
  let tenant: string;
  let tenantProject: string;
  let outsider: string;

  const list = async (query: string, token = tenant) => {
    const res = await f.t.request(`/v1/apps?project_id=${tenantProject}${query}`, { token });
    const text = await res.text();
    return {
      status: res.status,
      body: JSON.parse(text) as { items: CatalogApp[]; next_cursor: string | null },
    };
  };

  beforeAll(async () => {
    ({ f, tenant, tenantProject } = await startCatalogFixture(dialect));
    const { t } = f;
    outsider = (await t.login('outsider@example.com')).token;

    await catalogVersion(f, { repository: 'acme/echo', version: '1.0.0', manifest: manifest('echo') });
    await catalogVersion(f, { repository: 'acme/echo', version: '1.1.0', manifest: manifest('echo') });
    // Approved, not published: launchable by reference, not in the catalog.
    await catalogVersion(f, {
      repository: 'acme/echo',
      version: '2.0.0-rc',
      manifest: manifest('echo'),
      publish: false,
    });
    await catalogVersion(f, {
      repository: 'acme/notebook',
      version: '0.1.0',
      manifest: manifest('notebook', { categories: ['notebook'], billing: undefined }),
      deprecate: true,
    });
    // Shared with the publisher's own project only: the tenant never sees it.
    await catalogVersion(f, {
      repository: 'acme/private',
      version: '1.0.0',
      manifest: manifest('private'),
      scope: { scope: 'project', scope_id: f.publisherProjectId },
    });
  }, 120_000);
  afterAll(() => f?.t.close());

  it('lists the published apps the project may see, grouped by publisher/app with their versions', async () => {
    const { status, body } = await list('');
    expect(status).toBe(200);
    expect(body.items.map((a) => a.name)).toEqual(['acme/echo', 'acme/notebook']);
    const echo = body.items[0]!;
    expect(echo.publisher).toEqual({ project_id: f.publisherProjectId, name: 'acme' });
    expect(echo.latest_version).toBe('1.1.0');
    expect(echo.versions.map((v) => v.version)).toEqual(['1.1.0', '1.0.0']);
    const v = echo.versions[0]!;
    expect(v.state).toBe('published');
    expect(v.release_reference).toMatch(/\/release\/acme\/echo:1\.1\.0@sha256:/);
    expect(v.prices).toEqual({
      currency: 'USD',
      hourly_price: '0.50',
      metered: [{ meter: 'requests', price_per_unit: '0.000002' }],
    });
    expect(v.gpu).toEqual({ minimum: { gpus: { count: 1 } } });
    expect(v.permissions).toEqual(['projects:read']);
    expect(v.parameters).toEqual({ model: { type: 'string', default: 'small' } });
    expect(v.endpoints).toEqual(['api']);
    const notebook = body.items[1]!;
    expect(notebook.versions.map((x) => [x.version, x.state])).toEqual([['0.1.0', 'deprecated']]);
    expect(notebook.versions[0]!.prices).toBeNull();
  });

  it('the publisher project sees the app shared with it alone', async () => {
    const res = await f.t.request(`/v1/apps?project_id=${f.publisherProjectId}`, { token: f.publisherToken });
    const body = (await res.json()) as { items: CatalogApp[] };
    expect(body.items.map((a) => a.name)).toEqual(['acme/echo', 'acme/notebook', 'acme/private']);
  });

  it('searches by text and category', async () => {
    expect((await list('&q=NOTEBOOK')).body.items.map((a) => a.name)).toEqual(['acme/notebook']);
    expect((await list('&q=serves%20echo')).body.items.map((a) => a.name)).toEqual(['acme/echo']);
    expect((await list('&category=inference')).body.items.map((a) => a.name)).toEqual(['acme/echo']);
    expect((await list('&q=nothing-like-it')).body.items).toEqual([]);
  });

  it('pages by name with a cursor', async () => {
    const first = await list('&limit=1');
    expect(first.body.items.map((a) => a.name)).toEqual(['acme/echo']);
    expect(first.body.next_cursor).not.toBeNull();
    const second = await list(`&limit=1&cursor=${encodeURIComponent(first.body.next_cursor!)}`);
    expect(second.body.items.map((a) => a.name)).toEqual(['acme/notebook']);
    expect(second.body.next_cursor).toBeNull();
  });

  it('reads one app by publisher/app, 404 for one the project cannot see', async () => {
    const one = await f.t.request(`/v1/apps/acme%2Fecho?project_id=${tenantProject}`, { token: tenant });
    expect(one.status).toBe(200);
    expect(((await one.json()) as CatalogApp).versions).toHaveLength(2);
    const hidden = await f.t.request(`/v1/apps/acme%2Fprivate?project_id=${tenantProject}`, {
      token: tenant,
    });
    expect(hidden.status).toBe(404);
    // Literal paths under /v1/apps still win over the app name.
    expect((await f.t.request('/v1/apps/trust', { token: tenant })).status).toBe(200);
  });

  it('refuses a caller outside the project', async () => {
    expect((await list('', outsider)).status).toBe(404);
  });
});
