/**
 * The tenant's app journey through the catalog (issue 16), every command a built bin as a child
 * process against `gpuaas-platform serve` on embedded defaults with bubblewrap sandboxes, on SQLite
 * and PostgreSQL:
 *
 * a publisher publishes the console-extension template (scaffolded outside this repository, with a
 * plain and a secret parameter) and an operator approves and publishes it; a tenant finds it in the
 * catalog and launches it WITHOUT naming an allocation (one is created from the manifest's profile),
 * with a parameter and a secret from a file; calls its HTTP endpoint through the platform; opens its
 * UI extension on the per-instance origin in Debian's Chromium; sees its usage; upgrades it to a
 * second version; stops it; releases the allocation. A second tenant reaches neither the endpoint
 * nor the UI. Refused with their codes, nothing half-created: a secret passed as a plain parameter,
 * a parameter that fails its schema, a profile no node can satisfy.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestStore, requireTools, testDialects } from '@gpuaas/test-support';
import type { TestStore } from '@gpuaas/test-support';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  gpuaasAppBin,
  gpuaasBin,
  run,
  runPlatform,
  startServer,
  SANDBOXED_NODE,
} from './support/processes.js';
import type { RunResult, TestServer } from './support/processes.js';

const tools = requireTools('app catalog e2e (sandbox, browser)', 'bwrap', 'python3', 'chromium');
const dialects = await testDialects('app catalog e2e');

const SECRET = 'sk-catalog-e2e-9f8e7d6c5b4a';

interface Instance {
  id: string;
  state: string;
  app: string | null;
  version: string | null;
  allocation_id: string;
  endpoints: { name: string; url: string }[];
  failure?: { code: string; detail: string } | null;
}

function json<T>(result: RunResult): T {
  expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
  return JSON.parse(result.stdout) as T;
}

/** The problem code a failed command printed (`--output json` errors go to stderr as JSON). */
function codeOf(result: RunResult): string | undefined {
  return /"code"\s*:\s*"([A-Z_]+)"/.exec(result.stderr + result.stdout)?.[1];
}

describe.skipIf(!tools).each(dialects)('the app catalog journey through the platform (%s)', (dialect) => {
  let work: string;
  let store: TestStore;
  let server: TestServer;
  let host: string;
  const tokens = { operator: '', publisher: '', tenant: '', other: '' };
  let instance: Instance;
  let appName: string;

  const env = (token: string): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    HOME: join(work, 'home'),
    XDG_CONFIG_HOME: join(work, 'home'),
    GPUAAS_API_URL: server.url,
    GPUAAS_TOKEN: token,
    CI: 'true',
  });
  const gpuaas = (token: string, ...args: string[]): Promise<RunResult> => run(gpuaasBin, args, env(token));
  const mint = async (...args: string[]): Promise<string> => {
    const minted = await runPlatform(store, ['token', ...args]);
    expect(minted.code, minted.stderr).toBe(0);
    return minted.stdout.trim();
  };
  const fetchAs = (token: string, url: string): Promise<Response> =>
    fetch(url, { headers: { authorization: `Bearer ${token}` } });

  /** Scaffolds, publishes, registers, approves and publishes (free) one version of the app. */
  const release = async (version: string): Promise<void> => {
    const dir = join(work, 'apps', `${appName}-${version}`);
    const init = await run(
      gpuaasAppBin,
      ['init', dir, '--template', 'console-extension', '--name', appName, '--publisher', 'acme', '--yes'],
      env(''),
    );
    expect(init.code, init.stderr).toBe(0);
    const manifestFile = join(dir, 'gpuaas-app.yaml');
    const manifest = (await readFile(manifestFile, 'utf8'))
      .replace(/^version: .*$/m, `version: ${version}`)
      .replace(
        /^endpoints:/m,
        [
          'parameters:',
          '  greeting: { type: string, minLength: 2, default: hello }',
          '  api_key: { type: string, secret: true }',
          'endpoints:',
        ].join('\n'),
      );
    await writeFile(manifestFile, manifest);
    const ref = `${host}/acme/${appName}:${version}`;
    const published = json<{ digest: string }>(
      await run(
        gpuaasAppBin,
        [
          'publish',
          dir,
          '--to',
          ref,
          '--key',
          join(work, 'keys', 'acme.key'),
          '--register',
          '--project',
          'acme',
          '--json',
        ],
        env(tokens.publisher),
      ),
    );
    const approved = json<{ id: string; state: string }>(
      await gpuaas(
        tokens.operator,
        'ops',
        'apps',
        'approve',
        `${host}/acme/${appName}@${published.digest}`,
        '--yes',
        '--output',
        'json',
      ),
    );
    expect(approved.state).toBe('approved');
    const listed = json<{ state: string }>(
      await gpuaas(
        tokens.operator,
        'ops',
        'apps',
        'publish',
        approved.id,
        '--access',
        'free',
        '--output',
        'json',
      ),
    );
    expect(listed.state).toBe('published');
  };

  const instances = async (): Promise<Instance[]> =>
    json<{ items: Instance[] }>(
      await gpuaas(tokens.tenant, 'apps', 'instances', 'list', '--project', 'tenant', '--output', 'json'),
    ).items;
  const allocations = async (): Promise<{ id: string; state: string }[]> =>
    json<{ items: { id: string; state: string }[] }>(
      await gpuaas(tokens.tenant, 'allocations', 'list', '--project', 'tenant', '--output', 'json'),
    ).items;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'gpuaas-app-catalog-'));
    await mkdir(join(work, 'home'));
    store = await createTestStore(dialect, { pathLength: 200 });
    server = await startServer(store, [...SANDBOXED_NODE, '--no-demo']);
    host = new URL(server.url).host;
    tokens.operator = await mint('--user', 'ops@example.com', '--operator');
    tokens.publisher = await mint('--user', 'dev@acme.example', '--project', 'acme');
    tokens.tenant = await mint('--user', 'tenant@example.com', '--project', 'tenant');
    tokens.other = await mint('--user', 'intruder@example.com', '--project', 'other');
    const keygen = await run(gpuaasAppBin, ['keygen', '--out', join(work, 'keys', 'acme')], env(''));
    expect(keygen.code, keygen.stderr).toBe(0);
    const added = await gpuaas(
      tokens.publisher,
      'apps',
      'keys',
      'add',
      join(work, 'keys', 'acme.pub'),
      '--project',
      'acme',
      '--output',
      'json',
    );
    expect(added.code, added.stderr).toBe(0);
    appName = 'dashboard';
    await release('0.1.0');
    await writeFile(join(work, 'api-key'), `${SECRET}\n`, { mode: 0o600 });
  }, 240_000);

  afterAll(async () => {
    await server?.stop();
    await store?.drop();
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  });

  it('lists the published app in the tenant catalog', async () => {
    const listed = json<{ items: { name: string; versions: { version: string }[] }[] }>(
      await gpuaas(tokens.tenant, 'apps', 'list', '--project', 'tenant', '--output', 'json'),
    );
    const app = listed.items.find((a) => a.name === `acme/${appName}`);
    expect(app?.versions.map((v) => v.version)).toEqual(['0.1.0']);
  });

  it('refuses bad launches with their codes and creates nothing', async () => {
    const launch = (...extra: string[]) =>
      gpuaas(
        tokens.tenant,
        'apps',
        'launch',
        `acme/${appName}`,
        '--project',
        'tenant',
        '--yes',
        '--output',
        'json',
        ...extra,
      );
    const secretAsParameter = await launch('--param', `api_key=${SECRET}`);
    expect(codeOf(secretAsParameter)).toBe('VALIDATION_FAILED');
    expect(secretAsParameter.stderr + secretAsParameter.stdout).not.toContain(SECRET);
    const badParameter = await launch('--param', 'greeting=x');
    expect(codeOf(badParameter)).toBe('VALIDATION_FAILED');
    expect(badParameter.stderr).toContain('/parameters/greeting');
    const unsatisfiable = await launch('--gpus', '8');
    expect(codeOf(unsatisfiable)).toBe('PROFILE_UNSATISFIABLE');
    expect(await instances()).toEqual([]);
    expect(await allocations()).toEqual([]);
  });

  it('launches from the profile with a parameter and a secret, creating the allocation', async () => {
    instance = json<Instance>(
      await gpuaas(
        tokens.tenant,
        'apps',
        'launch',
        `acme/${appName}@0.1.0`,
        '--project',
        'tenant',
        '--param',
        'greeting=bonjour',
        '--secret',
        `api_key=@${join(work, 'api-key')}`,
        '--yes',
        '--wait',
        '--output',
        'json',
      ),
    );
    // The runtime's state once the app is up: `ready` (its readiness probe passed).
    expect(instance).toMatchObject({ app: appName, version: '0.1.0', state: 'ready' });
    expect(JSON.stringify(instance)).not.toContain(SECRET);
    const created = await allocations();
    expect(created.map((a) => a.id)).toEqual([instance.allocation_id]);
    expect(instance.endpoints.map((e) => e.name)).toEqual(['ui']);
  }, 240_000);

  it("reaches the app's endpoint through the platform, and only for the tenant", async () => {
    const url = new URL('healthz', instance.endpoints[0]?.url).toString();
    const ok = await fetchAs(tokens.tenant, url);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ status: 'ok' });
    const intruder = await fetchAs(tokens.other, url);
    expect(intruder.status).toBe(404);
    expect((await fetchAs('', url)).status).toBe(401);
  });

  it('opens the UI extension on its own origin in Chromium; the other tenant gets no way in', async () => {
    const opened = await gpuaas(tokens.tenant, 'app', 'open', instance.allocation_id);
    expect(opened.code, opened.stderr).toBe(0);
    const signIn = new URL(opened.stdout.trim());
    expect(signIn.hostname).toBe(`${instance.allocation_id}.apps.localhost`);
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage();
      const answer = await page.goto(signIn.toString());
      expect(answer?.status()).toBe(200);
      expect(new URL(page.url()).pathname).toBe('/ui/');
      expect(await page.title()).not.toBe('');
      // The code was spent: the same link does not sign anyone in twice.
      const again = await (await browser.newPage()).goto(signIn.toString());
      expect(again?.status()).toBe(401);
    } finally {
      await browser.close();
    }
    const refused = await gpuaas(tokens.other, 'app', 'open', instance.allocation_id, '--output', 'json');
    expect(refused.code).not.toBe(0);
    expect(codeOf(refused)).toBe('NOT_FOUND');
  }, 120_000);

  it('keeps the secret out of what the tenant and the platform show', async () => {
    const shown = await gpuaas(tokens.tenant, 'apps', 'instances', 'get', instance.id, '--output', 'json');
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).not.toContain(SECRET);
    const audit = await gpuaas(
      tokens.operator,
      'audit',
      'list',
      '--action',
      'app.instance.launch',
      '--output',
      'json',
    );
    const launches = json<{ items: { target_id: string; result: string; details: unknown }[] }>(audit).items;
    // The refused launches and the one that ran, each recorded; none with the secret's value.
    expect(launches.filter((e) => e.result === 'success').map((e) => e.target_id)).toEqual([instance.id]);
    expect(launches.filter((e) => e.result === 'failure').length).toBeGreaterThanOrEqual(3);
    expect(audit.stdout).not.toContain(SECRET);
  });

  it('shows the usage the app and its allocation recorded', async () => {
    const meters = async () =>
      json<{ meters: { meter: string; origin: string; quantity: string }[] }>(
        await gpuaas(tokens.tenant, 'allocations', 'usage', instance.allocation_id, '--output', 'json'),
      ).meters;
    await expect
      .poll(async () => (await meters()).filter((m) => Number(m.quantity) > 0).length, {
        timeout: 90_000,
        interval: 2_000,
      })
      .toBeGreaterThan(0);
  }, 120_000);

  it('upgrades the instance to a new version, keeping its id', async () => {
    await release('0.2.0');
    const upgraded = json<Instance>(
      await gpuaas(
        tokens.tenant,
        'apps',
        'instances',
        'upgrade',
        instance.id,
        '--to',
        '0.2.0',
        '--yes',
        '--output',
        'json',
      ),
    );
    expect(upgraded).toMatchObject({ id: instance.id, version: '0.2.0' });
    await expect
      .poll(
        async () =>
          json<Instance>(
            await gpuaas(tokens.tenant, 'apps', 'instances', 'get', instance.id, '--output', 'json'),
          ).state,
        { timeout: 120_000, interval: 1_000 },
      )
      .toBe('ready');
    const ok = await fetchAs(tokens.tenant, new URL('healthz', instance.endpoints[0]?.url).toString());
    expect(ok.status).toBe(200);
  }, 300_000);

  it('stops the instance and releases the allocation', async () => {
    const stopped = json<Instance>(
      await gpuaas(tokens.tenant, 'apps', 'instances', 'stop', instance.id, '--output', 'json'),
    );
    expect(stopped.state).toBe('stopped');
    const released = await gpuaas(
      tokens.tenant,
      'allocations',
      'release',
      instance.allocation_id,
      '--wait',
      '--output',
      'json',
    );
    expect(released.code, released.stderr).toBe(0);
    const url = new URL('healthz', instance.endpoints[0]?.url).toString();
    expect((await fetchAs(tokens.tenant, url)).status).not.toBe(200);
  }, 120_000);
});
