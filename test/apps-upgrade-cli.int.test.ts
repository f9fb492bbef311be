/**
 * `gpuaas apps instances upgrade|set|uninstall|logs` as child processes (the built bin) against
 * a real platform with a stand-in runtime behind the allocation: an upgrade that widens what the
 * tenant consented to prints the consent diff (table and JSON) and is refused without `--yes`
 * (nothing reaches the runtime), goes through with it; the channel and upgrade mode are set;
 * logs follow; uninstall removes the app.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  catalogVersion,
  runningAllocation,
  startCatalogFixture,
} from '../platform/src/apps/catalog-fixtures.test.util.js';
import type { CatalogFixture } from '../platform/src/apps/catalog-fixtures.test.util.js';
import { upgradingRuntime } from '../platform/src/apps/upgrade-fixtures.test.util.js';
import type { UpgradingRuntime } from '../platform/src/apps/upgrade-fixtures.test.util.js';
import { gpuaasBin, run } from './support/processes.js';
import type { RunResult } from './support/processes.js';

const echo = (permissions: string[], hourly: string) => ({
  name: 'echo',
  parameters: { greeting: { type: 'string' } },
  permissions: { scopes: permissions },
  billing: { currency: 'USD', hourlyPrice: hourly },
});

describe('gpuaas apps instances upgrade|set|uninstall against a real platform', () => {
  let f: CatalogFixture;
  let runtime: UpgradingRuntime;
  let dir: string;
  let tenant: string;
  let instanceId: string;

  const gpuaas = (args: string[], token = tenant): Promise<RunResult> =>
    run(gpuaasBin, args, {
      PATH: process.env.PATH,
      HOME: join(dir, 'home'),
      GPUAAS_API_URL: f.t.url,
      GPUAAS_TOKEN: token,
      GPUAAS_CREDENTIALS_FILE: join(dir, 'credentials.json'),
      CI: 'true',
    });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gpuaas-apps-upgrade-cli-'));
    runtime = await upgradingRuntime();
    let tenantProject: string;
    ({ f, tenant, tenantProject } = await startCatalogFixture('sqlite', {
      log: { level: 'warn' },
      // Child processes are slow: the stand-in node must not go unreachable between heartbeats.
      compute: { nodeUnreachableSeconds: 3600 },
    }));
    const allocationId = await runningAllocation(f.t, f.operator, tenant, tenantProject, runtime.endpoint);
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
        parameters: { greeting: 'hi' },
      },
      headers: { 'idempotency-key': 'cli-launch' },
    });
    expect(launched.status, await launched.clone().text()).toBe(202);
    instanceId = ((await launched.json()) as { id: string }).id;
    await catalogVersion(f, {
      repository: 'acme/echo',
      version: '2.0.0',
      manifest: echo(['billing:read', 'projects:read'], '0.75'),
    });
  }, 120_000);
  afterAll(async () => {
    await f?.t.close();
    await runtime?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('prints the consent diff and refuses a widening upgrade without --yes', async () => {
    const table = await gpuaas(['apps', 'instances', 'upgrade', instanceId, '--to', '2.0.0']);
    expect(table.code, `${table.stdout}\n${table.stderr}`).not.toBe(0);
    expect(table.stdout).toContain('1.0.0 → 2.0.0');
    expect(table.stdout).toMatch(/permission\s+billing:read\s+added\s+yes/);
    expect(table.stdout).toMatch(/price\s+hourly\s+0\.50 → 0\.75\s+yes/);
    expect(table.stderr).toContain('APP_CONSENT_REQUIRED');

    const json = await gpuaas([
      'apps',
      'instances',
      'upgrade',
      instanceId,
      '--to',
      '2.0.0',
      '--output',
      'json',
    ]);
    expect(json.code).not.toBe(0);
    const refusal = JSON.parse(json.stdout) as { error: { code: string; consent_diff: unknown } };
    expect(refusal.error.code).toBe('APP_CONSENT_REQUIRED');
    expect(refusal.error).toMatchObject({
      consent_diff: {
        from_version: '1.0.0',
        to_version: '2.0.0',
        permissions_added: ['billing:read'],
        permissions_removed: [],
        meters_added: [],
        meters_removed: [],
        prices_changed: [{ item: 'hourly', from: '0.50', to: '0.75' }],
        widening: true,
      },
    });
    expect(runtime.upgrades).toHaveLength(0);
  });

  it('upgrades with --yes, consenting to exactly the diff shown', async () => {
    const r = await gpuaas([
      'apps',
      'instances',
      'upgrade',
      instanceId,
      '--to',
      '2.0.0',
      '--yes',
      '--output',
      'json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    // One JSON document: the instance, its `upgrade` carrying the diff consented to.
    const instance = JSON.parse(r.stdout) as {
      version: string;
      upgrade: { outcome: string; consent_diff: { widening: boolean } };
    };
    expect(instance.version).toBe('2.0.0');
    expect(instance.upgrade).toMatchObject({ outcome: 'succeeded', consent_diff: { widening: true } });
    expect(runtime.upgrades).toHaveLength(1);
    expect(runtime.upgrades[0]?.parameters).toEqual({ greeting: 'hi' });
  });

  it('publishes a version in the channels named (operators)', async () => {
    const id = await catalogVersion(f, {
      repository: 'acme/echo',
      version: '2.1.0',
      manifest: echo(['billing:read', 'projects:read'], '0.75'),
      publish: false,
    });
    const r = await gpuaas(
      ['ops', 'apps', 'publish', id, '--channel', 'beta', '--channel', 'stable', '--output', 'json'],
      f.operator,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ id, state: 'published', channels: ['beta', 'stable'] });
  });

  it('sets the channel and upgrade mode, follows the logs, and uninstalls', async () => {
    const set = await gpuaas([
      'apps',
      'instances',
      'set',
      instanceId,
      '--channel',
      'beta',
      '--auto-upgrade',
      '--output',
      'json',
    ]);
    expect(set.code, set.stderr).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({ id: instanceId, channel: 'beta', upgrades: 'automatic' });
    const both = await gpuaas(['apps', 'instances', 'set', instanceId, '--auto-upgrade', '--manual-upgrade']);
    expect(both.code).not.toBe(0);
    expect(both.stderr).toContain('--auto-upgrade');

    const logs = await gpuaas(['apps', 'instances', 'logs', instanceId, '--follow', '--tail', '5']);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toContain('stdout tail=5 follow=true');

    const removed = await gpuaas(['apps', 'instances', 'uninstall', instanceId]);
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toContain(`uninstalled app instance ${instanceId}`);
    expect(runtime.uninstalls()).toBe(1);
    const after = await gpuaas(['apps', 'instances', 'get', instanceId, '--output', 'json']);
    expect(JSON.parse(after.stdout)).toMatchObject({ state: 'stopped' });
  });
});
