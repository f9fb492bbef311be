/**
 * `gpuaas apps launch` without an allocation, as a child process (the built bin) against a real
 * platform with a fake node and the stand-in runtime: `--secret token=@file` reaches the runtime
 * and never the terminal, `--wait` follows the pending instance until its app is ready (JSON:
 * the instance) or exits non-zero with its failure when the allocation fails.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  catalogVersion,
  standInRuntime,
  startCatalogFixture,
} from '../platform/src/apps/catalog-fixtures.test.util.js';
import type { CatalogFixture, StandInRuntime } from '../platform/src/apps/catalog-fixtures.test.util.js';
import { startFakeNode } from '../platform/src/testing/fake-node.js';
import type { FakeNode } from '../platform/src/testing/fake-node.js';
import { gpuaasBin, run } from './support/processes.js';
import type { RunResult } from './support/processes.js';

const SECRET = 'file-secret-0123456789';

describe('gpuaas apps launch without an allocation', () => {
  let f: CatalogFixture;
  let dir: string;
  let tenant: string;
  let runtime: StandInRuntime;
  let node: FakeNode;
  let stopBeating: () => Promise<void>;

  const gpuaas = (args: string[]): Promise<RunResult> =>
    run(gpuaasBin, args, {
      PATH: process.env.PATH,
      HOME: join(dir, 'home'),
      GPUAAS_API_URL: f.t.url,
      GPUAAS_TOKEN: tenant,
      GPUAAS_CREDENTIALS_FILE: join(dir, 'credentials.json'),
      CI: 'true',
    });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gpuaas-apps-launch-cli-'));
    runtime = await standInRuntime();
    ({ f, tenant } = await startCatalogFixture('sqlite', { log: { level: 'warn' } }));
    node = await startFakeNode({
      url: f.t.url,
      token: f.operator,
      name: 'cli',
      gpus: 4,
      endpoint: runtime.endpoint,
      runtimeSecret: 'c'.repeat(32),
    });
    stopBeating = node.run(50);
    await catalogVersion(f, {
      repository: 'acme/echo',
      version: '1.0.0',
      manifest: {
        name: 'echo',
        resources: { minimum: { gpus: { count: 1 } } },
        parameters: { model: { type: 'string' }, token: { type: 'string', secret: true } },
        permissions: { scopes: ['projects:read'] },
        endpoints: [{ name: 'api', port: 8000, protocol: 'http' }],
      },
    });
    await writeFile(join(dir, 'token.txt'), `${SECRET}\n`, { mode: 0o600 });
  }, 120_000);
  afterAll(async () => {
    await stopBeating?.();
    await f?.t.close();
    await runtime?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('creates the allocation, hands the secret from the file to the runtime, and waits until ready', async () => {
    const r = await gpuaas([
      'apps',
      'launch',
      'acme/echo',
      '--project',
      'tenant',
      '--param',
      'model=large',
      '--secret',
      `token=@${join(dir, 'token.txt')}`,
      '--yes',
      '--wait',
      '--timeout',
      '60s',
      '--output',
      'json',
    ]);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    const instance = JSON.parse(r.stdout) as {
      id: string;
      state: string;
      allocation_id: string;
      endpoints: unknown[];
    };
    expect(instance.state).toBe('ready');
    expect(instance.endpoints).toHaveLength(1);
    expect(r.stderr).toContain('app pending');
    expect(runtime.launches.at(-1)?.parameters).toEqual({ model: 'large', token: SECRET });
    expect(`${r.stdout}${r.stderr}`).not.toContain(SECRET);
  });

  it('exits non-zero with the failure when the allocation fails', async () => {
    node.failNext = 'the sandbox could not start';
    const r = await gpuaas([
      'apps',
      'launch',
      'acme/echo',
      '--project',
      'tenant',
      '--secret',
      'token=inline-value',
      '--yes',
      '--wait',
      '--timeout',
      '60s',
      '--output',
      'json',
    ]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('ALLOCATION_NOT_RUNNING');
    expect(r.stderr).not.toContain('inline-value');
  });

  it('refuses profile flags beside --allocation before any request', async () => {
    const r = await gpuaas(['apps', 'launch', 'acme/echo', '--allocation', 'a', '--gpus', '2', '--yes']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--gpus applies only without --allocation');
  });
});
