/**
 * The Python SDK against a real `gpuaas-platform serve` (local node agent, simulated GPUs,
 * bubblewrap sandboxes), on SQLite and on PostgreSQL: runs `pytest sdk/python/tests/integration`,
 * which logs in with a bootstrap token, with a service account's client credentials, and as a
 * person (PKCE and device code, sharing the TypeScript CLI's credential cache), then goes
 * catalog → create → wait until running → exec (output and exit code) → release, sync and async.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createTestStore,
  pythonSdkSource,
  requirePython,
  requireTools,
  testDialects,
} from '@gpuaas/test-support';
import type { TestStore } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserScript, gpuaasBin, runCommand, runPlatform, startServer } from './support/processes.js';
import type { TestServer } from './support/processes.js';

const sandboxed = requireTools('python sdk e2e (bubblewrap sandboxes)', 'bwrap');
const python = requirePython('python sdk e2e', ['httpx', 'websockets', 'pytest', 'pytest_asyncio']);
const EMAIL = 'py-person@example.com';
const PASSWORD = 'correct horse battery';

describe.skipIf(!sandboxed || python === undefined).each(await testDialects('python sdk e2e'))(
  'the Python SDK on %s',
  (dialect) => {
    let store: TestStore;
    let server: TestServer;
    let home: string;
    let bootstrapToken: string;

    beforeAll(async () => {
      store = await createTestStore(dialect);
      home = await mkdtemp(join(tmpdir(), 'gpuaas-py-home-'));
      server = await startServer(store, [
        '--local-node',
        '--simulate',
        '1x4',
        '--gpus',
        'simulated',
        '--sandbox',
        'bubblewrap',
      ]);
      const owner = await runPlatform(store, [
        'token',
        '--user',
        'py-owner@example.com',
        '--project',
        'demo',
      ]);
      expect(owner.code, owner.stderr).toBe(0);
      bootstrapToken = owner.stdout.trim();
      // A person who logs in with a password and works in `demo` as a member.
      const added = await runPlatform(
        store,
        ['users', 'add', '--email', EMAIL, '--password-stdin'],
        `${PASSWORD}\n`,
      );
      expect(added.code, added.stderr).toBe(0);
      const joined = await runPlatform(store, [
        'token',
        '--user',
        EMAIL,
        '--project',
        'demo',
        '--role',
        'member',
      ]);
      expect(joined.code, joined.stderr).toBe(0);
    }, 90_000);

    afterAll(async () => {
      await server?.stop();
      await store?.drop();
      await rm(home, { recursive: true, force: true });
    });

    it('passes sdk/python/tests/integration', async () => {
      const result = await runCommand(
        python ?? 'python3',
        ['-m', 'pytest', 'sdk/python/tests/integration', '-q', '-p', 'no:cacheprovider', '-rs'],
        {
          env: {
            PATH: process.env.PATH,
            HOME: home,
            XDG_CONFIG_HOME: join(home, '.config'),
            LANG: 'C.UTF-8',
            PYTHONPATH: pythonSdkSource,
            PYTHONDONTWRITEBYTECODE: '1',
            GPUAAS_API_URL: server.url,
            GPUAAS_TEST_BOOTSTRAP_TOKEN: bootstrapToken,
            GPUAAS_TEST_EMAIL: EMAIL,
            GPUAAS_TEST_PASSWORD: PASSWORD,
            GPUAAS_TEST_BROWSER: `${process.execPath} ${browserScript}`,
            GPUAAS_TEST_CLI: `${process.execPath} ${gpuaasBin}`,
          },
        },
      );
      const report = `${result.stdout}\n${result.stderr}`;
      expect(result.code, report).toBe(0);
      // Every test ran: none was skipped for want of the platform.
      expect(report).toMatch(/\b(\d+) passed\b/);
      expect(report).not.toMatch(/skipped/);
    }, 300_000);
  },
);
