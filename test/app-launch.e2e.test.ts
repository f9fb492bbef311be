/**
 * An app launched through the platform, end to end: a signed artifact in a real registry, a
 * running allocation (local node agent, bubblewrap sandbox, the real runtime), `POST
 * /v1/allocations/{id}/app` → the runtime pulls by digest, verifies against the platform's trust
 * policy, runs the install hook and the app, which meters usage, asks for its credential and says
 * it is ready → the usage reaches the platform, counted once → stop → the runtime's own usage
 * (app_seconds) arrives too → release revokes the launch's service account.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSigningKey, publishApp, writeKeyPair } from '@gpuaas/sdk';
import { keyTrustPolicy, requireTools, startRegistry } from '@gpuaas/test-support';
import type { TestRegistry } from '@gpuaas/test-support';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main as gpuaas } from '@gpuaas/cli/gpuaas';
import { startTestPlatform } from '../platform/src/testing/harness.js';
import type { TestPlatform } from '../platform/src/testing/harness.js';
import { until } from './support/processes.js';

const MANIFEST = `apiVersion: gpuaas.dev/v1alpha1
name: launch-e2e
version: 1.0.0
publisher: gpuaas-tests
run:
  entrypoint: [node, app.mjs]
resources:
  minimum:
    gpus: { count: 1 }
meters:
  - { name: requests, unit: request, aggregation: sum }
hooks:
  install:
    command: echo installed-once
permissions:
  scopes: [projects:read]
`;

// Talks to the runtime's local API over its Unix socket with nothing but node:http.
const APP = `import { request } from 'node:http';
const socketPath = process.env.GPUAAS_RUNTIME_URL.replace(/^unix:/, '');
const call = (method, path, body) => new Promise((resolve, reject) => {
  const req = request({ socketPath, method, path, headers: { 'content-type': 'application/json' } }, (res) => {
    let text = '';
    res.on('data', (c) => (text += c));
    res.on('end', () => resolve({ status: res.statusCode, text }));
  });
  req.on('error', reject);
  req.end(body === undefined ? undefined : JSON.stringify(body));
});
const meter = await call('POST', '/v1/meter', { name: 'requests', quantity: 3, id: 'first-batch' });
console.log('meter', meter.status);
const again = await call('POST', '/v1/meter', { name: 'requests', quantity: 3, id: 'first-batch' });
console.log('meter-again', again.status);
const unknown = await call('POST', '/v1/meter', { name: 'bogus', quantity: 1 });
console.log('unknown', unknown.status, JSON.parse(unknown.text).code);
const creds = await call('GET', '/v1/credentials');
console.log('credentials', creds.status, creds.status === 200 && JSON.parse(creds.text).token.length > 20);
console.log('gpus', process.env.CUDA_VISIBLE_DEVICES);
await call('POST', '/v1/ready');
setInterval(() => {}, 1000);
`;

const tools = requireTools('app launch e2e (registry, sandbox)', 'docker-registry', 'bwrap');

describe.skipIf(!tools)('an app launched through the platform', () => {
  let registry: TestRegistry;
  let t: TestPlatform;
  let dir: string;
  let artifact: string;
  let owner: string;
  let allocationId: string;

  const json = async <T>(res: Response, status: number): Promise<T> => {
    const text = await res.text();
    expect(res.status, text).toBe(status);
    return JSON.parse(text) as T;
  };

  beforeAll(async () => {
    registry = await startRegistry();
    dir = await mkdtemp(join(tmpdir(), 'gpuaas-launch-e2e-'));
    const appDir = join(dir, 'app');
    await mkdir(appDir, { recursive: true });
    await writeFile(join(appDir, 'gpuaas-app.yaml'), MANIFEST);
    await writeFile(join(appDir, 'app.mjs'), APP);
    const keys = await writeKeyPair(join(dir, 'acme'));
    const published = await publishApp(appDir, {
      to: `${registry.host}/acme/launch-e2e:1.0.0`,
      signingKey: await loadSigningKey(keys.privateKeyPath),
    });
    artifact = `${registry.host}/acme/launch-e2e:1.0.0`;
    // An app whose install hook fails: the launch is accepted, the app ends `failed`.
    const brokenDir = join(dir, 'broken');
    await mkdir(brokenDir, { recursive: true });
    await writeFile(
      join(brokenDir, 'gpuaas-app.yaml'),
      MANIFEST.replace('name: launch-e2e', 'name: broken-e2e').replace(
        'command: echo installed-once',
        "command: sh -c 'echo cannot write here; exit 3'",
      ),
    );
    await writeFile(join(brokenDir, 'app.mjs'), APP);
    await publishApp(brokenDir, {
      to: `${registry.host}/acme/broken-e2e:1.0.0`,
      signingKey: await loadSigningKey(keys.privateKeyPath),
    });
    // The same app, signed by the same key, in a repository no policy covers.
    await publishApp(appDir, {
      to: `${registry.host}/elsewhere/launch-e2e:1.0.0`,
      signingKey: await loadSigningKey(keys.privateKeyPath),
    });
    expect(published.reference).toContain('@sha256:');
    const policy = keyTrustPolicy({
      authority: 'acme',
      publicKeyPem: await readFile(keys.publicKeyPath, 'utf8'),
      scopes: [`${registry.host}/acme/**`],
    });
    t = await startTestPlatform('sqlite', {
      rateLimit: { enabled: false },
      compute: { appTrustPolicy: policy },
      localNode: {
        gpus: 'simulated',
        simulated: { nodes: 1, gpusPerNode: 2, model: 'NVIDIA H100 80GB HBM3', memoryMib: 81_559 },
        sandbox: 'bubblewrap',
      },
    });
    owner = (await t.login('owner@example.com')).token;
    const project = await json<{ id: string }>(
      await t.request('/v1/projects', { method: 'POST', token: owner, json: { name: 'apps' } }),
      201,
    );
    allocationId = (
      await json<{ id: string }>(
        await t.request('/v1/allocations', {
          method: 'POST',
          token: owner,
          json: { project_id: project.id, gpus: { count: 1 } },
        }),
        201,
      )
    ).id;
    await until(async () => {
      const a = await json<{ state: string }>(
        await t.request(`/v1/allocations/${allocationId}`, { token: owner }),
        200,
      );
      return a.state === 'running' ? a : undefined;
    });
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await registry?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('launches, meters once, hands the app a scoped credential, and stops with the runtime’s own usage', async () => {
    const launched = await json<{ state: string }>(
      await t.request(`/v1/allocations/${allocationId}/app`, {
        method: 'POST',
        token: owner,
        json: { artifact, scopes: ['projects:read'] },
      }),
      202,
    );
    expect(['fetching', 'idle', 'installing', 'configuring', 'starting', 'ready']).toContain(launched.state);
    const ready = await until(async () => {
      const s = await json<{ state: string; app?: { digest: string } }>(
        await t.request(`/v1/allocations/${allocationId}/app`, { token: owner }),
        200,
      );
      if (s.state === 'failed') throw new Error(`launch failed: ${JSON.stringify(s)}`);
      return s.state === 'ready' ? s : undefined;
    });
    expect(ready.app?.digest).toMatch(/^sha256:/);

    const logs = await (
      await t.request(`/v1/allocations/${allocationId}/app/logs?tail=50`, { token: owner })
    ).text();
    expect(logs).toContain('meter 202');
    expect(logs).toContain('meter-again 202');
    expect(logs).toContain('unknown 400 METER_UNKNOWN');
    expect(logs).toContain('credentials 200 true');
    expect(logs).toMatch(/gpus GPU-/);

    type Usage = { meters: { meter: string; origin: string; quantity: string; events: number }[] };
    const usage = async () =>
      json<Usage>(await t.request(`/v1/allocations/${allocationId}/usage`, { token: owner }), 200);
    const metered = await until(async () => {
      const u = await usage();
      return u.meters.some((m) => m.meter === 'requests') ? u : undefined;
    });
    // The app reported the same id twice: it is counted once.
    expect(metered.meters.find((m) => m.meter === 'requests')).toMatchObject({
      origin: 'app',
      quantity: '3',
      events: 1,
    });

    const stopped = await json<{ state: string }>(
      await t.request(`/v1/allocations/${allocationId}/app/stop`, { method: 'POST', token: owner }),
      200,
    );
    expect(stopped.state).toBe('stopped');
    const own = await until(async () => {
      const u = await usage();
      return u.meters.some((m) => m.meter === 'app_seconds') ? u : undefined;
    });
    expect(own.meters.find((m) => m.meter === 'app_seconds')?.origin).toBe('runtime');
    expect(own.meters.find((m) => m.meter === 'gpu_seconds')?.origin).toBe('runtime');

    const accounts = await t.platform.db
      .selectFrom('service_accounts')
      .select(['revoked_at', 'scopes'])
      .where('allocation_id', '=', allocationId)
      .execute();
    expect(accounts).toHaveLength(1);
    expect(accounts[0]?.scopes).toBe('projects:read usage:write');
    await t.request(`/v1/allocations/${allocationId}/release`, { method: 'POST', token: owner });
    await until(async () => {
      const row = await t.platform.db
        .selectFrom('service_accounts')
        .select('revoked_at')
        .where('allocation_id', '=', allocationId)
        .executeTakeFirst();
      return row?.revoked_at ?? undefined;
    });
  }, 120_000);

  it('refuses an artifact the trust policy does not cover, with the policy’s reason', async () => {
    const { id } = await json<{ id: string }>(
      await t.request('/v1/allocations', {
        method: 'POST',
        token: owner,
        json: {
          project_id: (await t.platform.db.selectFrom('projects').select('id').executeTakeFirstOrThrow()).id,
          gpus: { count: 1 },
        },
      }),
      201,
    );
    await until(async () => {
      const a = await json<{ state: string }>(
        await t.request(`/v1/allocations/${id}`, { token: owner }),
        200,
      );
      return a.state === 'running' ? a : undefined;
    });
    const refused = await json<{ code: string; detail: string }>(
      await t.request(`/v1/allocations/${id}/app`, {
        method: 'POST',
        token: owner,
        json: { artifact: `${registry.host}/elsewhere/launch-e2e:1.0.0` },
      }),
      422,
    );
    expect(refused.code).toBe('APP_LAUNCH_FAILED');
    expect(refused.detail).toMatch(/ARTIFACT_UNTRUSTED/);
    expect(refused).toMatchObject({ runtime_code: 'ARTIFACT_UNTRUSTED' });
    // An artifact the registry does not have: the runtime's code, not "the runtime has no app".
    const missing = await json<{ code: string; runtime_code: string; detail: string }>(
      await t.request(`/v1/allocations/${id}/app`, {
        method: 'POST',
        token: owner,
        json: { artifact: `${registry.host}/acme/never-published:1.0.0` },
      }),
      422,
    );
    expect(missing).toMatchObject({ code: 'APP_LAUNCH_FAILED', runtime_code: 'ARTIFACT_NOT_FOUND' });
    await t.request(`/v1/allocations/${id}/release`, { method: 'POST', token: owner });
  }, 120_000);

  it('is driven from the CLI: gpuaas app launch --wait, logs, status and stop', async () => {
    const cli = async (args: string[]) => {
      let out = '';
      let err = '';
      const stdout = new PassThrough().on('data', (c: Buffer) => (out += c.toString()));
      const stderr = new PassThrough().on('data', (c: Buffer) => (err += c.toString()));
      const code = await gpuaas(['node', 'gpuaas', ...args], {
        stdout,
        stderr,
        stdin: new PassThrough(),
        env: {
          GPUAAS_API_URL: t.url,
          GPUAAS_TOKEN: owner,
          GPUAAS_CREDENTIALS_FILE: join(dir, 'creds.json'),
          CI: 'true',
        },
        cwd: dir,
      });
      return { code, out, err };
    };
    const projectId = (await t.platform.db.selectFrom('projects').select('id').executeTakeFirstOrThrow()).id;
    const { id } = await json<{ id: string }>(
      await t.request('/v1/allocations', {
        method: 'POST',
        token: owner,
        json: { project_id: projectId, gpus: { count: 1 } },
      }),
      201,
    );
    await until(async () => {
      const a = await json<{ state: string }>(
        await t.request(`/v1/allocations/${id}`, { token: owner }),
        200,
      );
      return a.state === 'running' ? a : undefined;
    });
    const launched = await cli([
      'app',
      'launch',
      id,
      '--artifact',
      artifact,
      '--scope',
      'projects:read',
      '--wait',
      '--output',
      'json',
    ]);
    expect(launched.code, launched.err).toBe(0);
    expect(JSON.parse(launched.out)).toMatchObject({
      state: 'ready',
      app: { name: 'launch-e2e', version: '1.0.0' },
    });
    expect(launched.err).toContain('app ready');

    const logs = await cli(['app', 'logs', id, '--json']);
    expect(logs.code, logs.err).toBe(0);
    const lines = logs.out
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { line: string }).line);
    expect(lines).toContain('meter 202');

    const status = await cli(['app', 'status', id, '--output', 'json']);
    expect(JSON.parse(status.out)).toMatchObject({ state: 'ready' });
    // The table spells the nested parts out: no JSON object inside it.
    const table = await cli(['app', 'status', id]);
    expect(table.code, table.err).toBe(0);
    expect(table.out).toMatch(/^app +launch-e2e 1\.0\.0 by gpuaas-tests$/m);
    expect(table.out).toMatch(/^hook install +ok, 1 attempt, exit 0/m);
    expect(table.out).not.toMatch(/[{}]/);

    // Usage from the CLI: the app's meter and the runtime's own, exact decimals, as a table and JSON.
    await until(async () => {
      const u = await cli(['allocations', 'usage', id, '--output', 'json']);
      const meters = (JSON.parse(u.out) as { meters: { meter: string }[] }).meters;
      return meters.some((m) => m.meter === 'requests') ? meters : undefined;
    });
    const usage = await cli(['allocations', 'usage', id]);
    expect(usage.code, usage.err).toBe(0);
    expect(usage.out.split('\n')[0]).toMatch(/^METER +ORIGIN +QUANTITY +EVENTS$/);
    expect(usage.out).toMatch(/^requests +app +3 +1$/m);
    const stopped = await cli(['app', 'stop', id, '--output', 'json']);
    expect(stopped.code, stopped.err).toBe(0);
    expect(JSON.parse(stopped.out)).toMatchObject({ state: 'stopped' });

    const bad = await cli(['app', 'launch', id, '--artifact', artifact, '--param', 'oops']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--param must be name=value');

    // A failing install hook: APP_ENDED (exit 8) with the runtime's HOOK_FAILED; the allocation runs on.
    const broken = await cli([
      'app',
      'launch',
      id,
      '--artifact',
      `${artifact.replace('launch-e2e', 'broken-e2e')}`,
      '--wait',
      '--output',
      'json',
    ]);
    expect(broken.code, broken.err).toBe(8);
    expect(broken.err).toMatch(
      /^error\[APP_ENDED\]: the app is failed \(HOOK_FAILED\): hook_failed: install .*the allocation keeps running/ms,
    );
    expect(broken.err).toContain(`hint: read its output with \`gpuaas app logs ${id} --stderr\``);
    expect(JSON.parse(broken.out)).toMatchObject({
      error: { code: 'APP_ENDED', details: { runtime_code: 'HOOK_FAILED', state: 'failed' } },
    });
    const failedStatus = await cli(['app', 'status', id]);
    expect(failedStatus.out).toMatch(/^code +HOOK_FAILED$/m);
    expect(failedStatus.out).toMatch(/^hook install +failed, .*exit 3/m);
    expect(failedStatus.out).toMatch(/^ +\| cannot write here$/m);
    const allocation = await json<{ state: string }>(
      await t.request(`/v1/allocations/${id}`, { token: owner }),
      200,
    );
    expect(allocation.state).toBe('running');
  }, 120_000);
});
