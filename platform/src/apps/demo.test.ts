/**
 * The seeded demo app on a real platform (embedded registry, real signing, registration, approval
 * and publication): what a tenant's catalog shows, what a launch would be given, and that a second
 * start, a revocation, a race of two seeds and a namespace someone else owns are each handled.
 */
import { stat } from 'node:fs/promises';
import { loadSigningKey } from '@gpuaas/sdk';
import { testDialects } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform } from '../testing/harness.js';
import type { TestPlatform } from '../testing/harness.js';
import type { CatalogApp } from './catalog.js';
import { createProject } from './catalog-fixtures.test.util.js';
import { DEMO_APP, DEMO_PROJECT_ID, DEMO_PUBLISHER, demoKeyPath, seedDemoApp } from './demo.js';
import { planManagedLaunch } from './launch-trust.js';

const dialects = await testDialects('demo app');

const seed = (t: TestPlatform) =>
  seedDemoApp({ db: t.platform.db, dataDir: t.platform.config.dataDir, apps: t.platform.apps });

/** Rows a seed may write, counted: a start that does nothing new leaves them all as they were. */
async function footprint(t: TestPlatform) {
  const { db } = t.platform;
  const count = async (table: 'app_versions' | 'publisher_keys' | 'audit_events' | 'platform_events') =>
    Number((await db.selectFrom(table).select(db.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  return {
    versions: await count('app_versions'),
    keys: await count('publisher_keys'),
    audit: await count('audit_events'),
    events: await count('platform_events'),
    projects: Number(
      (await db.selectFrom('projects').select(db.fn.countAll().as('n')).executeTakeFirstOrThrow()).n,
    ),
  };
}

describe.each(dialects)('the demo app on %s', (dialect) => {
  let t: TestPlatform;
  let tenant: string;
  let tenantProject: string;

  const catalog = async (): Promise<CatalogApp[]> => {
    const res = await t.request(`/v1/apps?project_id=${tenantProject}`, { token: tenant });
    expect(res.status).toBe(200);
    return ((await res.json()) as { items: CatalogApp[] }).items;
  };

  beforeAll(async () => {
    t = await startTestPlatform(dialect, { rateLimit: { enabled: false } });
    tenant = (await t.login('newcomer@example.com')).token;
    tenantProject = await createProject(t, tenant, 'first');
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it('starts with an empty catalog, then shows one free, published app every project sees', async () => {
    expect(await catalog()).toEqual([]);
    const outcome = await seed(t);
    expect(outcome.outcome).toBe('seeded');
    const [app, ...others] = await catalog();
    expect(others).toEqual([]);
    const host = new URL(t.url).host;
    expect(app).toMatchObject({
      name: DEMO_APP,
      publisher: { project_id: DEMO_PROJECT_ID, name: DEMO_PUBLISHER },
      latest_version: '0.1.0',
      versions: [
        {
          id: outcome.versionId,
          state: 'published',
          access: 'free',
          prices: null,
          endpoints: ['ui'],
          permissions: [],
        },
      ],
    });
    expect(app?.versions[0]?.release_reference).toMatch(
      new RegExp(`^${host.replace('.', '\\.')}/release/gpuaas-demo/dashboard:0\\.1\\.0@sha256:[0-9a-f]{64}$`),
    );
  });

  it('is signed by the demo key in the data folder and approved with the platform key', async () => {
    const path = demoKeyPath(t.platform.config.dataDir);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const key = await loadSigningKey(path);
    const row = await t.platform.db
      .selectFrom('app_versions')
      .selectAll()
      .where('project_id', '=', DEMO_PROJECT_ID)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: 'published', signer_key_id: key.keyId, approval_scope: 'platform' });
    expect(row.approval_digest).toMatch(/^sha256:/);
    expect(JSON.parse(row.manifest)).not.toHaveProperty('billing');
    // Nobody is a member of the reserved publisher: only operators manage it.
    const members = await t.platform.db
      .selectFrom('memberships')
      .select('user_id')
      .where('project_id', '=', DEMO_PROJECT_ID)
      .execute();
    expect(members).toEqual([]);
    const audit = await t.platform.db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'app.demo_seeded')
      .execute();
    expect(audit).toMatchObject([{ actor_type: 'system', target_id: row.id, project_id: DEMO_PROJECT_ID }]);

    // What a tenant's launch gets: the release pinned by digest, under a policy that needs both keys.
    const project = await t.platform.db
      .selectFrom('projects')
      .select(['id', 'organization_id'])
      .where('id', '=', tenantProject)
      .executeTakeFirstOrThrow();
    const planned = await planManagedLaunch(
      {
        db: t.platform.db,
        embedded: t.platform.apps.embedded,
        approvalKey: () => Promise.resolve(t.platform.apps.approvalKey),
      },
      row.release_reference ?? '',
      { id: project.id, organizationId: project.organization_id },
    );
    expect(planned?.version.id).toBe(row.id);
    const policy = JSON.parse(planned?.trustPolicy ?? '{}') as {
      keys: Record<string, { publicKey?: string }>;
    };
    expect(policy.keys.publisher?.publicKey).toBe(key.publicKey.pem);
    expect(policy.keys.platform?.publicKey).toBe(t.platform.apps.approvalKey.publicKeyPem);
  });

  it('a second start does nothing new', async () => {
    const before = await footprint(t);
    const key = (await stat(demoKeyPath(t.platform.config.dataDir))).mtimeMs;
    expect(await seed(t)).toMatchObject({ outcome: 'present' });
    expect(await footprint(t)).toEqual(before);
    expect((await stat(demoKeyPath(t.platform.config.dataDir))).mtimeMs).toBe(key);
  });

  it('stays revoked once an operator revokes it', async () => {
    const row = await t.platform.db
      .selectFrom('app_versions')
      .select('id')
      .where('project_id', '=', DEMO_PROJECT_ID)
      .executeTakeFirstOrThrow();
    await t.platform.apps.review.revoke(row.id, { reason: 'not here' }, { id: 'ops' });
    expect(await seed(t)).toMatchObject({ outcome: 'present', versionId: row.id });
    expect(await catalog()).toEqual([]);
  });
});

describe('the demo app, racing and crowded out', () => {
  const platforms: TestPlatform[] = [];
  afterAll(async () => {
    await Promise.all(platforms.map((p) => p.close()));
  });

  it('two seeds at once end with one published version', async () => {
    const t = await startTestPlatform('sqlite', { rateLimit: { enabled: false } });
    platforms.push(t);
    const outcomes = await Promise.all([seed(t), seed(t)]);
    expect(outcomes.map((o) => o.outcome)).toContain('seeded');
    const rows = await t.platform.db
      .selectFrom('app_versions')
      .select(['id', 'state'])
      .where('project_id', '=', DEMO_PROJECT_ID)
      .execute();
    expect(rows).toMatchObject([{ state: 'published' }]);
  }, 60_000);

  it('is not seeded where a tenant project of that name already owns the namespace', async () => {
    const t = await startTestPlatform('sqlite', { rateLimit: { enabled: false } });
    platforms.push(t);
    const owner = (await t.login('squatter@example.com')).token;
    const theirs = await createProject(t, owner, DEMO_PUBLISHER);
    await t.platform.apps.registry.claimNamespace(DEMO_PUBLISHER, theirs);
    expect(await seed(t)).toMatchObject({ outcome: 'skipped' });
    const rows = await t.platform.db.selectFrom('app_versions').select('id').execute();
    expect(rows).toEqual([]);
  }, 60_000);
});
