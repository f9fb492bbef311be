import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gpuaasBin, platformBin, run, startProcess, until } from './support/processes.js';
import type { StartedProcess } from './support/processes.js';

const DEMO = 'gpuaas-demo/dashboard';

// README's main command is `npm start` (scripts/start.sh): the platform on embedded defaults.
describe('README main command (npm start)', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  const start = (dataDir: string, args: string[] = []): Promise<StartedProcess> =>
    startProcess('bash', ['scripts/start.sh', ...args], {
      env: { ...process.env, GPUAAS_PORT: '0', GPUAAS_DATA_DIR: dataDir },
      ready: /listening on (http:\/\/\S+)/,
      timeoutMs: 20_000,
      name: 'npm start',
    });

  /** A new user's `gpuaas apps list --output json`, names only. */
  const appsList = async (url: string, dataDir: string, user: string): Promise<string[]> => {
    const minted = await run(
      platformBin,
      ['token', '--data-dir', dataDir, '--user', user, '--project', user.split('@')[0] ?? 'p'],
      { ...process.env },
    );
    expect(minted.code, minted.stderr).toBe(0);
    const env = {
      PATH: process.env.PATH,
      GPUAAS_API_URL: url,
      GPUAAS_TOKEN: minted.stdout.trim(),
      CI: 'true',
    };
    const listed = await run(
      gpuaasBin,
      ['apps', 'list', '--project', user.split('@')[0] ?? 'p', '--output', 'json'],
      env,
    );
    expect(listed.code, listed.stderr).toBe(0);
    return (JSON.parse(listed.stdout) as { items: { name: string }[] }).items.map((a) => a.name);
  };

  it('serves the API and its OIDC issuer on a fresh data folder, and stops cleanly', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'gpuaas-start-'));
    dirs.push(dataDir);
    const started = await start(dataDir);
    const url = started.match[1] ?? '';
    let code: number | null;
    try {
      const ready = await fetch(`${url}/readyz`);
      expect(ready.status).toBe(200);
      const discovery = await fetch(`${url}/.well-known/openid-configuration`);
      expect(discovery.status).toBe(200);
      expect(((await discovery.json()) as { issuer: string }).issuer).toBe(url);
      const anonymous = await fetch(`${url}/v1/projects`);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('content-type')).toContain('application/problem+json');
      // The example app is seeded just after listening: a new user's catalog is not empty.
      const names = await until(
        async () => {
          const listed = await appsList(url, dataDir, 'newcomer@example.com');
          return listed.length > 0 ? listed : undefined;
        },
        { timeoutMs: 20_000, intervalMs: 250, what: 'the demo app in the catalog' },
      );
      expect(names).toEqual([DEMO]);
    } finally {
      code = await started.stop();
    }
    expect(code).toBe(0);
    expect(started.stdout()).toMatch(/"outcome":"seeded"/);

    // A second start on the same folder seeds nothing new and still shows the one app.
    const again = await start(dataDir);
    try {
      expect(await appsList(again.match[1] ?? '', dataDir, 'second@example.com')).toEqual([DEMO]);
    } finally {
      expect(await again.stop()).toBe(0);
    }
    expect(again.stdout()).toMatch(/"outcome":"present"/);
    expect(again.stdout()).not.toMatch(/"outcome":"seeded"/);
  }, 120_000);

  it('--no-demo starts with an empty catalog', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'gpuaas-start-'));
    dirs.push(dataDir);
    const started = await start(dataDir, ['--no-demo']);
    try {
      expect(await appsList(started.match[1] ?? '', dataDir, 'newcomer@example.com')).toEqual([]);
    } finally {
      expect(await started.stop()).toBe(0);
    }
    // A seed, once begun, finishes (and logs) before the server exits: none was begun.
    expect(started.stdout()).not.toMatch(/demo app/);
  }, 60_000);
});
