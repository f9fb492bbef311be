/**
 * `gpuaas apps list|show` as child processes (the built bin) against a real platform whose
 * catalog holds published apps: the JSON shapes the issue promises (`items` with `name`,
 * `versions`, …), search and category, the table, and a refusal for an app the project cannot see.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSigningKeyPair, loadSigningKey } from '@gpuaas/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  catalogVersion,
  runningAllocation,
  standInRuntime,
} from '../platform/src/apps/catalog-fixtures.test.util.js';
import type { CatalogFixture } from '../platform/src/apps/catalog-fixtures.test.util.js';
import { insertPublisherKey } from '../platform/src/apps/fixtures.test.util.js';
import { startTestPlatform } from '../platform/src/testing/harness.js';
import { gpuaasBin, run } from './support/processes.js';
import type { RunResult } from './support/processes.js';

interface CatalogApp {
  name: string;
  latest_version: string;
  versions: { version: string; state: string; permissions: string[]; parameters: Record<string, unknown> }[];
}

describe('gpuaas apps list|show against a real platform', () => {
  let f: CatalogFixture;
  let dir: string;
  let tenant: string;
  let tenantProject: string;

  const gpuaas = (args: string[], token = tenant): Promise<RunResult> =>
    run(gpuaasBin, args, {
      PATH: process.env.PATH,
      HOME: join(dir, 'home'),
      GPUAAS_API_URL: f.t.url,
      GPUAAS_TOKEN: token,
      GPUAAS_CREDENTIALS_FILE: join(dir, 'credentials.json'),
      CI: 'true',
    });
  const json = <T>(r: RunResult): T => {
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    return JSON.parse(r.stdout) as T;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gpuaas-apps-catalog-cli-'));
    const t = await startTestPlatform('sqlite', { log: { level: 'warn' }, rateLimit: { enabled: false } });
    const publisherToken = (await t.login('publisher@acme.example')).token;
    const operator = (await t.login('ops@example.com', { operator: true })).token;
    const created = await t.request('/v1/projects', {
      method: 'POST',
      token: publisherToken,
      json: { name: 'acme' },
    });
    const publisherProjectId = ((await created.json()) as { id: string }).id;
    const key = await loadSigningKey((await generateSigningKeyPair()).privateKeyPem);
    await insertPublisherKey(t.platform.db, publisherProjectId, key);
    f = { t, host: new URL(t.url).host, operator, publisherToken, publisherProjectId, key };
    tenant = (await t.login('tenant@example.com')).token;
    const lab = await t.request('/v1/projects', { method: 'POST', token: tenant, json: { name: 'lab' } });
    tenantProject = ((await lab.json()) as { id: string }).id;
    const echo = {
      name: 'echo',
      displayName: 'Echo',
      categories: ['inference'],
      resources: { minimum: { gpus: { count: 1 } } },
      parameters: { greeting: { type: 'string' } },
      permissions: { scopes: ['projects:read'] },
      billing: { currency: 'USD', hourlyPrice: '0.50' },
    };
    await catalogVersion(f, { repository: 'acme/echo', version: '1.0.0', manifest: echo });
    await catalogVersion(f, { repository: 'acme/echo', version: '1.1.0', manifest: echo });
    await catalogVersion(f, {
      repository: 'acme/lab',
      version: '0.1.0',
      manifest: { name: 'lab', categories: ['notebook'], resources: { minimum: { gpus: { count: 1 } } } },
    });
  }, 120_000);
  afterAll(async () => {
    await f?.t.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('lists the catalog as JSON items with name and versions', async () => {
    const list = json<{ items: CatalogApp[] }>(
      await gpuaas(['apps', 'list', '--project', 'lab', '--output', 'json']),
    );
    expect(list.items.map((a) => a.name)).toEqual(['acme/echo', 'acme/lab']);
    const echo = list.items[0]!;
    expect(echo.latest_version).toBe('1.1.0');
    expect(echo.versions.map((v) => v.version)).toEqual(['1.1.0', '1.0.0']);
    expect(echo.versions[0]!.permissions).toEqual(['projects:read']);
    expect(echo.versions[0]!.parameters).toEqual({ greeting: { type: 'string' } });
    const notebooks = json<{ items: CatalogApp[] }>(
      await gpuaas(['apps', 'list', '--project', 'lab', '--category', 'notebook', '--output', 'json']),
    );
    expect(notebooks.items.map((a) => a.name)).toEqual(['acme/lab']);
    const found = json<{ items: CatalogApp[] }>(
      await gpuaas(['apps', 'list', '--project', 'lab', '-q', 'ECHO', '--output', 'json']),
    );
    expect(found.items.map((a) => a.name)).toEqual(['acme/echo']);
  });

  it('prints a table by default', async () => {
    const r = await gpuaas(['apps', 'list', '--project', 'lab']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^NAME\s+LATEST\s+VERSIONS/);
    expect(r.stdout).toMatch(/acme\/echo\s+1\.1\.0\s+1\.1\.0, 1\.0\.0\s+inference\s+0\.50 USD\/h\s+acme/);
    expect(r.stdout).toMatch(/acme\/lab\s+0\.1\.0\s+0\.1\.0\s+notebook\s+free/);
  });

  it('shows one app by publisher/app, and refuses one not in the catalog', async () => {
    const app = json<CatalogApp>(
      await gpuaas(['apps', 'show', 'acme/echo', '--project', 'lab', '--output', 'json']),
    );
    expect(app.name).toBe('acme/echo');
    expect(app.versions).toHaveLength(2);
    const table = await gpuaas(['apps', 'show', 'acme/echo', '--project', 'lab']);
    expect(table.stdout).toMatch(/permissions\s+projects:read/);
    const missing = await gpuaas(['apps', 'show', 'acme/nothing', '--project', 'lab']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('NOT_FOUND');
  });

  it('keeps the publisher subcommands of the apps group', async () => {
    const help = await gpuaas(['apps', '--help']);
    for (const sub of ['list', 'show', 'keys', 'register', 'versions', 'trust'])
      expect(help.stdout).toContain(sub);
  });

  it('publishes with --access grant, then grants, lists and revokes through apps entitlements', async () => {
    const id = await catalogVersion(f, {
      repository: 'acme/secret',
      version: '1.0.0',
      manifest: { name: 'secret', resources: { minimum: { gpus: { count: 1 } } } },
      publish: false,
    });
    const bad = await gpuaas(['ops', 'apps', 'publish', id, '--access', 'cheap'], f.operator);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--access must be one of free, paid, grant');
    json(await gpuaas(['ops', 'apps', 'publish', id, '--access', 'grant', '--output', 'json'], f.operator));
    const list = json<{ items: { name: string; versions: { access: string }[] }[] }>(
      await gpuaas(['apps', 'list', '--project', 'lab', '-q', 'secret', '--output', 'json']),
    );
    expect(list.items.map((a) => [a.name, a.versions[0]!.access])).toEqual([['acme/secret', 'grant']]);

    const granted = json<{ id: string; active: boolean; app: string }>(
      await gpuaas(
        ['apps', 'entitlements', 'grant', 'acme/secret', '--project', tenantProject, '--output', 'json'],
        f.publisherToken,
      ),
    );
    expect(granted).toMatchObject({ app: 'acme/secret', active: true });
    const mine = json<{ items: { id: string }[] }>(
      await gpuaas(['apps', 'entitlements', 'list', '--project', 'lab', '--output', 'json']),
    );
    expect(mine.items.map((g) => g.id)).toEqual([granted.id]);
    const byTenant = await gpuaas(['apps', 'entitlements', 'revoke', granted.id]);
    expect(byTenant.code).not.toBe(0);
    expect(byTenant.stderr).toContain('NOT_FOUND');
    const revoked = json<{ active: boolean }>(
      await gpuaas(['apps', 'entitlements', 'revoke', granted.id, '--output', 'json'], f.publisherToken),
    );
    expect(revoked.active).toBe(false);
  });

  it('launches a catalog app with consent, waits for it, lists, gets, reads the logs of and stops the instance', async () => {
    const runtime = await standInRuntime();
    try {
      const allocationId = await runningAllocation(f.t, f.operator, tenant, tenantProject, runtime.endpoint);
      const args = ['apps', 'launch', 'acme/echo@1.0.0', '--project', 'lab', '--allocation', allocationId];
      const refused = await gpuaas([...args, '--param', 'greeting=hi']);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('--yes');
      expect(runtime.launches).toHaveLength(0);

      const launched = json<{
        id: string;
        state: string;
        allocation_id: string;
        endpoints: unknown[];
        version: string;
      }>(await gpuaas([...args, '--param', 'greeting=hi', '--yes', '--wait', '--output', 'json']));
      expect(launched).toMatchObject({
        state: 'ready',
        allocation_id: allocationId,
        version: '1.0.0',
        endpoints: [],
      });
      expect(runtime.launches.at(-1)!.parameters).toEqual({ greeting: 'hi' });

      const list = json<{ items: { id: string }[] }>(
        await gpuaas(['apps', 'instances', 'list', '--project', 'lab', '--output', 'json']),
      );
      expect(list.items.map((i) => i.id)).toEqual([launched.id]);
      const got = json<{ state: string }>(
        await gpuaas(['apps', 'instances', 'get', launched.id, '--output', 'json']),
      );
      expect(got.state).toBe('ready');

      // The instance's logs are its allocation's app logs, read from the runtime.
      const logs = await gpuaas(['apps', 'instances', 'logs', launched.id, '--stderr', '--tail', '5']);
      expect(logs.code, logs.stderr).toBe(0);
      expect(logs.stdout).toBe('stderr tail=5 follow=false\nlast line\n');
      const followed = await gpuaas(['apps', 'instances', 'logs', launched.id, '--follow']);
      expect(followed.stdout).toBe('stdout tail=200 follow=true\nlast line\n');
      const unknown = await gpuaas(['apps', 'instances', 'logs', '0190a1b2-c3d4-7e5f-8a9b-000000000000']);
      expect(unknown.code).not.toBe(0);
      expect(unknown.stderr).toContain('NOT_FOUND');
      // `gpuaas app logs` shares the printing: by allocation, `--json` gives one object per line.
      const byAllocation = await gpuaas(['app', 'logs', allocationId, '--json']);
      expect(byAllocation.stdout).toBe('{"line":"stdout tail=200 follow=false"}\n{"line":"last line"}\n');

      const stopped = json<{ state: string; ended_at: string | null }>(
        await gpuaas(['apps', 'instances', 'stop', launched.id, '--output', 'json']),
      );
      expect(stopped.state).toBe('stopped');
      expect(stopped.ended_at).not.toBeNull();
    } finally {
      await runtime.close();
    }
  });
});
