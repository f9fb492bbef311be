/**
 * Upgrades, channels and uninstall of catalog app instances on a real platform (a stand-in
 * runtime behind the allocation): a narrowing upgrade goes through the runtime and opens the
 * instance's next launch period at the new prices; a widening one is refused with its consent
 * diff until consented; a rollback changes nothing; a revoked target is refused with its code;
 * a version published in the instance's channel upgrades an automatic instance (or is offered
 * as `app_instance.upgrade_available` when it needs consent); uninstall removes the app.
 */
import { testDialects } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppInstance } from '../apps/instances.js';
import {
  catalogVersion,
  runningAllocation,
  startCatalogFixture,
} from '../apps/catalog-fixtures.test.util.js';
import type { CatalogFixture } from '../apps/catalog-fixtures.test.util.js';
import { upgradingRuntime } from '../apps/upgrade-fixtures.test.util.js';
import type { UpgradingRuntime } from '../apps/upgrade-fixtures.test.util.js';

const dialects = await testDialects('app instance upgrades');

/** acme/echo at `version`: its permissions, meters and hourly price. */
const echo = (permissions: string[], hourly: string, meters: string[] = ['requests']) => ({
  name: 'echo',
  parameters: { model: { type: 'string' }, token: { type: 'string', secret: true } },
  permissions: { scopes: permissions },
  meters: meters.map((name) => ({ name, unit: 'request', aggregation: 'sum' })),
  billing: { currency: 'USD', hourlyPrice: hourly },
});

type Problem = {
  code?: string;
  runtime_code?: string;
  consent_diff?: Record<string, unknown>;
  errors?: { pointer: string }[];
};

describe.each(dialects)('app instance upgrades on %s', (dialect) => {
  let f: CatalogFixture;
  let runtime: UpgradingRuntime;
  let tenant: string;
  let tenantProject: string;
  let allocationId: string;
  let instanceId: string;
  let seq = 0;

  const call = async (method: string, path: string, json?: unknown) => {
    const res = await f.t.request(path, {
      method,
      token: tenant,
      ...(json === undefined ? {} : { json }),
      headers: { 'idempotency-key': `upgrade-${seq++}` },
    });
    const text = await res.text();
    return { status: res.status, body: (text === '' ? {} : JSON.parse(text)) as AppInstance & Problem };
  };
  const upgrade = (body: Record<string, unknown>) =>
    call('POST', `/v1/apps/instances/${instanceId}/upgrade`, body);
  const launches = () =>
    f.t.platform.db
      .selectFrom('app_launches')
      .selectAll()
      .where('instance_id', '=', instanceId)
      .orderBy('launched_at')
      .orderBy('id')
      .execute();
  const stored = () =>
    f.t.platform.db
      .selectFrom('app_instances')
      .selectAll()
      .where('id', '=', instanceId)
      .executeTakeFirstOrThrow();
  const review = async (id: string, action: string, body?: unknown) => {
    const res = await f.t.request(`/v1/apps/versions/${id}/${action}`, {
      method: 'POST',
      token: f.operator,
      ...(body === undefined ? {} : { json: body }),
      headers: { 'idempotency-key': `review-${seq++}` },
    });
    expect(res.status, await res.clone().text()).toBe(200);
  };
  const until = async (probe: () => Promise<boolean>) => {
    const deadline = Date.now() + 15_000;
    while (!(await probe())) {
      if (Date.now() > deadline) throw new Error('condition not met in time');
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  beforeAll(async () => {
    runtime = await upgradingRuntime();
    // One heartbeat for the whole file: the stand-in node must not go unreachable meanwhile.
    ({ f, tenant, tenantProject } = await startCatalogFixture(dialect, {
      compute: { nodeUnreachableSeconds: 3600 },
    }));
    allocationId = await runningAllocation(f.t, f.operator, tenant, tenantProject, runtime.endpoint);
    await catalogVersion(f, {
      repository: 'acme/echo',
      version: '1.0.0',
      manifest: echo(['projects:read'], '0.50'),
    });
    const launched = await f.t.request('/v1/apps/instances', {
      method: 'POST',
      token: tenant,
      json: {
        project_id: tenantProject,
        app: 'acme/echo',
        allocation_id: allocationId,
        accepted_permissions: ['projects:read'],
        parameters: { model: 'small' },
        secrets: { token: 's3cret' },
      },
      headers: { 'idempotency-key': 'launch-echo' },
    });
    expect(launched.status, await launched.clone().text()).toBe(202);
    instanceId = ((await launched.json()) as AppInstance).id;
  }, 120_000);
  afterAll(async () => {
    await f?.t.close();
    await runtime?.close();
  });

  it('upgrades through the runtime and opens the next launch period at the new prices', async () => {
    await catalogVersion(f, {
      repository: 'acme/echo',
      version: '1.1.0',
      manifest: echo(['projects:read'], '0.40'),
    });
    const upgraded = await upgrade({ version: '1.1.0' });
    expect(upgraded.status, JSON.stringify(upgraded.body)).toBe(200);
    expect(upgraded.body).toMatchObject({ id: instanceId, version: '1.1.0', state: 'running' });
    expect(upgraded.body.upgrade).toMatchObject({
      from_version: '1.0.0',
      to_version: '1.1.0',
      outcome: 'succeeded',
      consent_diff: { prices_changed: [{ item: 'hourly', from: '0.50', to: '0.40' }], widening: false },
    });
    const sent = runtime.upgrades.at(-1)!;
    expect(sent.reference).toMatch(/\/release\/acme\/echo:1\.1\.0@sha256:/);
    expect(sent.wait).toBe(true);
    // Parameters and sealed secrets carry over; the pull token is the launch account's.
    expect(sent.parameters).toEqual({ model: 'small', token: 's3cret' });
    expect(sent.registry_auth?.password).toBeTruthy();
    expect(sent.platform?.credentials?.scopes).toContain('projects:read');

    const rows = await launches();
    expect(rows).toHaveLength(2);
    const [first, second] = rows;
    expect(first?.ended_at).not.toBeNull();
    expect(second).toMatchObject({ ended_at: null, version_id: (await stored()).version_id });
    expect(second?.service_account_id).toBe(first?.service_account_id);
    expect(JSON.parse(first?.pricing ?? '{}')).toMatchObject({ hourly_price_micros: '500000' });
    expect(JSON.parse(second?.pricing ?? '{}')).toMatchObject({ hourly_price_micros: '400000' });
    expect((await stored()).state).toBe('running');
  });

  it('refuses a widening upgrade without consent, showing the diff, before the runtime hears of it', async () => {
    await catalogVersion(f, {
      repository: 'acme/echo',
      version: '2.0.0',
      manifest: echo(['projects:read', 'billing:read'], '1.00', ['requests', 'tokens']),
    });
    const before = runtime.upgrades.length;
    const refused = await upgrade({ version: '2.0.0' });
    expect([refused.status, refused.body.code]).toEqual([422, 'APP_CONSENT_REQUIRED']);
    expect(refused.body.consent_diff).toEqual({
      from_version: '1.1.0',
      to_version: '2.0.0',
      permissions_added: ['billing:read'],
      permissions_removed: [],
      meters_added: ['tokens'],
      meters_removed: [],
      prices_changed: [{ item: 'hourly', from: '0.40', to: '1.00' }],
      widening: true,
    });
    const permissionsOnly = await upgrade({ version: '2.0.0', accepted_permissions: ['billing:read'] });
    expect(permissionsOnly.body.code).toBe('APP_CONSENT_REQUIRED');
    expect(permissionsOnly.body.errors?.map((e) => e.pointer)).toEqual(['/accept_changes']);
    expect(runtime.upgrades.length).toBe(before);
    expect((await launches()).length).toBe(2);
  });

  it('keeps the old version and launch period when the runtime rolls back', async () => {
    const open = (await launches()).at(-1)!;
    const scopes = async () =>
      (
        await f.t.platform.db
          .selectFrom('service_accounts')
          .select('scopes')
          .where('id', '=', open.service_account_id ?? '')
          .executeTakeFirstOrThrow()
      ).scopes;
    const scopesBefore = await scopes();
    runtime.failNextUpgrade('UPGRADE_ROLLED_BACK');
    const failed = await upgrade({
      version: '2.0.0',
      accepted_permissions: ['billing:read'],
      accept_changes: true,
    });
    expect([failed.status, failed.body.code, failed.body.runtime_code]).toEqual([
      422,
      'APP_UPGRADE_FAILED',
      'UPGRADE_ROLLED_BACK',
    ]);
    const instance = await call('GET', `/v1/apps/instances/${instanceId}`);
    expect(instance.body.version).toBe('1.1.0');
    const rows = await launches();
    expect(rows.map((r) => r.id)).toContain(open.id);
    expect(rows.at(-1)).toMatchObject({ id: open.id, ended_at: null });
    expect(await scopes()).toBe(scopesBefore);
    expect(scopesBefore).not.toContain('billing:read');
  });

  it('refuses a revoked or unknown target with its code', async () => {
    const revoked = await catalogVersion(f, {
      repository: 'acme/echo',
      version: '1.2.0',
      manifest: echo(['projects:read'], '0.40'),
    });
    await review(revoked, 'revoke', { reason: 'broken' });
    const refused = await upgrade({ version: '1.2.0' });
    expect([refused.status, refused.body.code]).toEqual([409, 'APP_VERSION_REVOKED']);
    expect((await upgrade({ version: '9.9.9' })).status).toBe(404);
    expect((await upgrade({ version: '1.1.0' })).body.code).toBe('VALIDATION_FAILED');
  });

  it('follows its channel: upgrades an automatic instance, offers what needs consent, ignores other channels', async () => {
    const patched = await call('PATCH', `/v1/apps/instances/${instanceId}`, { upgrades: 'automatic' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ channel: 'stable', upgrades: 'automatic' });

    // Published in `beta` only: the stable follower stays.
    const beta = await catalogVersion(f, {
      repository: 'acme/echo',
      version: '1.3.0-beta',
      manifest: echo(['projects:read'], '0.40'),
      publish: false,
    });
    await review(beta, 'publish', { channels: ['beta'] });
    const quiet = runtime.upgrades.length;

    const next = await catalogVersion(f, {
      repository: 'acme/echo',
      version: '1.3.0',
      manifest: echo(['projects:read'], '0.30'),
    });
    await until(async () => (await stored()).version_id === next);
    expect(runtime.upgrades.length).toBe(quiet + 1);
    expect(runtime.upgrades.at(-1)?.reference).toMatch(/echo:1\.3\.0@/);
    expect((await launches()).filter((r) => r.ended_at === null)).toHaveLength(1);

    // Widening: offered, not applied.
    await catalogVersion(f, {
      repository: 'acme/echo',
      version: '3.0.0',
      manifest: echo(['projects:read', 'billing:read'], '0.30'),
    });
    const offered = async () =>
      f.t.platform.db
        .selectFrom('platform_events')
        .selectAll()
        .where('type', '=', 'app_instance.upgrade_available')
        .where('subject', '=', `app_instance/${instanceId}`)
        .execute();
    const offer = async () =>
      (await offered())
        .map((e) => JSON.parse(e.data) as Record<string, unknown>)
        .find((data) => data.available_version === '3.0.0');
    await until(async () => (await offer()) !== undefined);
    expect(await offer()).toMatchObject({
      instance_id: instanceId,
      version: '1.3.0',
      available_version: '3.0.0',
      consent_required: true,
    });
    expect((await stored()).version_id).toBe(next);
  });

  it('uninstalls: the runtime removes the app and the instance ends', async () => {
    const before = runtime.uninstalls();
    const removed = await call('DELETE', `/v1/apps/instances/${instanceId}`);
    expect(removed.status).toBe(204);
    expect(runtime.uninstalls()).toBe(before + 1);
    expect(await stored()).toMatchObject({ state: 'stopped', sealed_secrets: null });
    expect((await stored()).ended_at).not.toBeNull();
    expect((await launches()).every((r) => r.ended_at !== null)).toBe(true);
    const ended = await upgrade({ version: '3.0.0' });
    expect([ended.status, ended.body.code]).toEqual([409, 'APP_INSTANCE_STATE_CONFLICT']);
    expect((await call('PATCH', `/v1/apps/instances/${instanceId}`, { channel: 'beta' })).body.code).toBe(
      'APP_INSTANCE_STATE_CONFLICT',
    );
  });
});
