/**
 * A pending app instance outlives the platform process that created it: launched with no node
 * registered (its allocation queued), the platform stops; a new process on the same database
 * and data folder finds it pending at start, and launches it — secret included, unsealed with
 * the key the data folder keeps — once a node comes and the allocation runs.
 */
import { createTestStore, testDialects } from '@gpuaas/test-support';
import type { TestStore } from '@gpuaas/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import type { AppInstance } from '../apps/instances.js';
import { catalogVersion, standInRuntime, startCatalogFixture } from '../apps/catalog-fixtures.test.util.js';
import type { StandInRuntime } from '../apps/catalog-fixtures.test.util.js';
import { startFakeNode } from '../testing/fake-node.js';
import { startTestPlatform } from '../testing/harness.js';
import type { TestPlatform } from '../testing/harness.js';
import { instanceWhen, profiled } from './app-instances.test.util.js';

const dialects = await testDialects('pending app instances across a restart');

describe.each(dialects)('a pending app instance across a platform restart on %s', (dialect) => {
  let store: TestStore | undefined;
  let runtime: StandInRuntime | undefined;
  let second: TestPlatform | undefined;
  afterAll(async () => {
    await second?.close();
    await runtime?.close();
    await store?.drop();
  });

  it('is launched by the next process once its allocation runs', async () => {
    store = await createTestStore(dialect);
    runtime = await standInRuntime();
    const { f, tenant, tenantProject } = await startCatalogFixture(dialect, { store });
    await catalogVersion(f, {
      repository: 'acme/echo',
      version: '1.0.0',
      manifest: profiled('echo', { minimum: { gpus: { count: 1 } } }),
    });
    const res = await f.t.request('/v1/apps/instances', {
      method: 'POST',
      token: tenant,
      json: {
        project_id: tenantProject,
        app: 'acme/echo',
        accepted_permissions: ['projects:read'],
        secrets: { token: 'restart-secret-value' },
      },
      headers: { 'idempotency-key': 'restart-1' },
    });
    const pending = (await res.json()) as AppInstance;
    expect([res.status, pending.state]).toEqual([201, 'pending']);
    const firstUrl = f.t.url;
    await f.t.close();

    // The same public URL: release references name the registry by the host they were made under.
    second = await startTestPlatform(dialect, { store, rateLimit: { enabled: false }, publicUrl: firstUrl });
    const operator = (await second.login('ops@example.com', { operator: true })).token;
    const tenantAgain = (await second.login('tenant@example.com')).token;
    expect(
      (
        (await (
          await second.request(`/v1/apps/instances/${pending.id}`, { token: tenantAgain })
        ).json()) as AppInstance
      ).state,
    ).toBe('pending');
    const node = await startFakeNode({
      url: second.url,
      token: operator,
      name: 'late',
      gpus: 1,
      endpoint: runtime.endpoint,
      runtimeSecret: 's'.repeat(32),
    });
    const ready = await instanceWhen(second, tenantAgain, pending.id, (i) => i.state === 'ready', node);
    expect(ready.allocation_id).toBe(pending.allocation_id);
    expect(runtime.launches.at(-1)?.parameters).toEqual({ token: 'restart-secret-value' });
  }, 120_000);
});
