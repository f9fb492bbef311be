import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = new URL('..', import.meta.url).pathname;

// README's main command is `npm start` (scripts/start.sh): the platform on embedded defaults.
describe('README main command (npm start)', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it('serves the API and its OIDC issuer on a fresh data folder, and stops cleanly', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'gpuaas-start-'));
    dirs.push(dataDir);
    const child = spawn('bash', ['scripts/start.sh'], {
      cwd: repoRoot,
      env: { ...process.env, GPUAAS_PORT: '0', GPUAAS_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed:\n${output}`)), 20_000);
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /listening on (http:\/\/\S+)/.exec(output);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
    });
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
      child.kill('SIGTERM');
    }
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
  });
});
