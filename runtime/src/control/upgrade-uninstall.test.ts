/**
 * Upgrade and uninstall through the control API, on a real runtime server against a real
 * registry: `wait: true` answers with the outcome (200 on the new version, 409
 * UPGRADE_ROLLED_BACK with the old one running again), the `upgrade` event and `last_upgrade`
 * say the same, and uninstall stops the app and removes its files, leaving the runtime idle.
 */
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSigningKey, publishApp, writeKeyPair } from '@gpuaas/sdk';
import { keyTrustPolicy, requireTools, startRegistry } from '@gpuaas/test-support';
import type { TestRegistry } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RuntimeServer } from '../server.js';
import type { AppController } from './routes.js';
import {
  READY_RUN,
  controlClient,
  openControlEvents,
  readyAppManifest,
  startControlledRuntime,
  until,
} from './control.test.util.js';

const SECRET = 'upgrade-test-secret-0123456789';
const call = controlClient(SECRET);

/** 3.0.0 passes its install but its upgrade hook fails: the upgrade rolls back. */
const manifestOf = (version: string) =>
  readyAppManifest('upgrade-test').replace('version: 1.0.0', `version: ${version}`) +
  (version === '3.0.0' ? "hooks:\n  upgrade: { command: 'echo broken; exit 3' }\n" : '');

describe.skipIf(!requireTools('runtime upgrade and uninstall', 'docker-registry'))(
  'upgrade and uninstall through the control API',
  () => {
    let registry: TestRegistry;
    let dir: string;
    let server: RuntimeServer;
    let controller: AppController;
    let policy: string;
    const socket = () => server.socketPath;
    const status = async () =>
      (await call(socket(), 'GET', '/v1/app')).json as {
        state: string;
        app?: { version: string };
        last_upgrade?: { from: string; to: string; outcome: string; code?: string };
      };
    const reference = (version: string) => `${registry.host}/acme/upgrade:${version}`;

    beforeAll(async () => {
      registry = await startRegistry();
      dir = await mkdtemp(join(tmpdir(), 'gpuaas-upgrade-'));
      const keys = await writeKeyPair(join(dir, 'acme'));
      const key = await loadSigningKey(keys.privateKeyPath);
      for (const version of ['1.0.0', '2.0.0', '3.0.0']) {
        const appDir = join(dir, `app-${version}`);
        await mkdir(appDir, { recursive: true });
        await writeFile(join(appDir, 'gpuaas-app.yaml'), manifestOf(version));
        await writeFile(join(appDir, 'run.sh'), READY_RUN, { mode: 0o755 });
        await publishApp(appDir, { to: reference(version), signingKey: key });
      }
      policy = keyTrustPolicy({
        authority: 'acme',
        publicKeyPem: await readFile(keys.publicKeyPath, 'utf8'),
        scopes: [`${registry.host}/acme/**`],
      });
      ({ controller, server } = await startControlledRuntime(dir, SECRET));
    }, 60_000);

    afterAll(async () => {
      await controller?.close();
      await server?.close();
      await registry?.stop();
      if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    });

    it('answers an upgrade with its outcome, rolls a failing one back, and uninstalls', async () => {
      const upgrades: string[] = [];
      const stream = await openControlEvents(socket(), SECRET, '/v1/app/events');
      stream.on('data', (c: Buffer) => {
        for (const m of c.toString().matchAll(/"type":"upgrade".*?"outcome":"(\w+)"/g))
          upgrades.push(m[1] ?? '');
      });

      const early = await call(socket(), 'POST', '/v1/app/upgrade', {
        reference: reference('2.0.0'),
        trust_policy: policy,
        wait: true,
      });
      expect([early.status, early.json.code]).toEqual([409, 'APP_STATE_CONFLICT']);

      const launched = await call(socket(), 'POST', '/v1/app/launch', {
        reference: reference('1.0.0'),
        trust_policy: policy,
      });
      expect(launched.status).toBe(202);
      await until(async () => (await status()).state === 'ready');

      const upgraded = await call(socket(), 'POST', '/v1/app/upgrade', {
        reference: reference('2.0.0'),
        trust_policy: policy,
        wait: true,
      });
      expect(upgraded.status).toBe(200);
      expect(upgraded.json).toMatchObject({
        state: 'ready',
        app: { version: '2.0.0' },
        last_upgrade: { from: '1.0.0', to: '2.0.0', outcome: 'succeeded' },
      });

      const rolledBack = await call(socket(), 'POST', '/v1/app/upgrade', {
        reference: reference('3.0.0'),
        trust_policy: policy,
        wait: true,
      });
      expect([rolledBack.status, rolledBack.json.code]).toEqual([409, 'UPGRADE_ROLLED_BACK']);
      expect(String(rolledBack.json.message)).toContain('rolled back to 2.0.0');
      expect(await status()).toMatchObject({
        state: 'ready',
        app: { version: '2.0.0' },
        last_upgrade: { from: '2.0.0', to: '3.0.0', outcome: 'rolled_back', code: 'UPGRADE_ROLLED_BACK' },
      });
      await until(() => Promise.resolve(upgrades.length === 2));
      expect(upgrades).toEqual(['succeeded', 'rolled_back']);
      stream.destroy();

      const data = join(dir, 'data');
      expect(await readdir(data)).toEqual(expect.arrayContaining(['cache', 'instances', 'usage']));
      const uninstalled = await call(socket(), 'POST', '/v1/app/uninstall');
      expect(uninstalled.status).toBe(200);
      expect(uninstalled.json).toMatchObject({
        state: 'idle',
        uninstalled: { hook: 'none', removed: ['instances', 'cache'] },
      });
      // The app's files are gone; its usage log stays until shipped.
      expect((await readdir(data)).sort()).toEqual(['usage']);
      expect((await status()).state).toBe('idle');
      const again = await call(socket(), 'POST', '/v1/app/uninstall');
      expect(again.json).toMatchObject({ state: 'idle', uninstalled: { hook: 'none', removed: [] } });

      // The allocation is free for another app.
      const relaunched = await call(socket(), 'POST', '/v1/app/launch', {
        reference: reference('1.0.0'),
        trust_policy: policy,
      });
      expect(relaunched.status).toBe(202);
      await until(async () => (await status()).state === 'ready');
    }, 90_000);
  },
);
