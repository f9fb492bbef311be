import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startProcess } from './support/processes.js';

// README's main command is `npm start` (scripts/start.sh): the platform on embedded defaults.
describe('README main command (npm start)', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it('serves the API and its OIDC issuer on a fresh data folder, and stops cleanly', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'gpuaas-start-'));
    dirs.push(dataDir);
    const started = await startProcess('bash', ['scripts/start.sh'], {
      env: { ...process.env, GPUAAS_PORT: '0', GPUAAS_DATA_DIR: dataDir },
      ready: /listening on (http:\/\/\S+)/,
      timeoutMs: 20_000,
      name: 'npm start',
    });
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
    } finally {
      code = await started.stop();
    }
    expect(code).toBe(0);
  });
});
