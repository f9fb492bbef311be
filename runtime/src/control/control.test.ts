/**
 * The control API on a real runtime server, against a real registry: launch (and a second launch
 * refused while one runs), the event stream, logs with follow, upgrade to a new version, stop.
 */
import { request } from 'node:http';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSigningKey, publishApp, writeKeyPair } from '@gpuaas/sdk';
import { keyTrustPolicy, requireTools, startRegistry } from '@gpuaas/test-support';
import type { TestRegistry } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RuntimeServer } from '../server.js';
import type { AppController } from './routes.js';
import { controlClient, openControlEvents, startControlledRuntime, until } from './control.test.util.js';

const SECRET = 'control-test-secret-0123456789';

const manifest = (version: string) => `apiVersion: gpuaas.dev/v1alpha1
name: control-test
version: ${version}
publisher: gpuaas-tests
run:
  entrypoint: [sh, run.sh]
resources:
  minimum:
    gpus: { count: 0 }
parameters:
  interval_ms: { type: integer, minimum: 10, default: 200 }
health:
  stop: { gracePeriod: 2s }
`;

// Says it is ready through the app API (curl-free: a one-line node call), then prints a line a second.
const RUN = (version: string) => `#!/bin/sh
node -e "require('http').request({socketPath: process.env.GPUAAS_RUNTIME_URL.slice(5), method: 'POST', path: '/v1/ready'}).end()"
echo "hello from ${version}"
while true; do echo "tick ${version}"; sleep 0.2; done
`;

const call = controlClient(SECRET);

describe.skipIf(!requireTools('runtime control API', 'docker-registry'))('the runtime control API', () => {
  let registry: TestRegistry;
  let dir: string;
  let server: RuntimeServer;
  let controller: AppController;
  let policy: string;
  const socket = () => server.socketPath;

  const state = async () =>
    (await call(socket(), 'GET', '/v1/app')).json as { state: string; app?: { version: string } };

  beforeAll(async () => {
    registry = await startRegistry();
    dir = await mkdtemp(join(tmpdir(), 'gpuaas-control-'));
    const keys = await writeKeyPair(join(dir, 'acme'));
    const key = await loadSigningKey(keys.privateKeyPath);
    for (const version of ['1.0.0', '2.0.0']) {
      const appDir = join(dir, `app-${version}`);
      await mkdir(appDir, { recursive: true });
      await writeFile(join(appDir, 'gpuaas-app.yaml'), manifest(version));
      await writeFile(join(appDir, 'run.sh'), RUN(version), { mode: 0o755 });
      await publishApp(appDir, { to: `${registry.host}/acme/control:${version}`, signingKey: key });
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

  it('is idle before a launch and refuses callers without the runtime secret', async () => {
    expect((await state()).state).toBe('idle');
    const anonymous = await new Promise<number>((resolve, reject) => {
      const req = request({ socketPath: socket(), method: 'GET', path: '/v1/app' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(anonymous).toBe(401);
  });

  it('launches, streams its events and logs, refuses a second launch, upgrades, and stops', async () => {
    const events: string[] = [];
    const stream = await openControlEvents(socket(), SECRET, '/v1/app/events');
    stream.on('data', (c: Buffer) => {
      for (const m of c.toString().matchAll(/"type":"state","state":"(\w+)"/g)) events.push(m[1] ?? '');
    });
    // What the platform follows: the same stream without the app's output.
    const quiet = { states: [] as string[], types: new Set<string>() };
    const quietStream = await openControlEvents(socket(), SECRET, '/v1/app/events?exclude=log');
    quietStream.on('data', (c: Buffer) => {
      const text = c.toString();
      for (const m of text.matchAll(/"type":"(\w+)"/g)) quiet.types.add(m[1] ?? '');
      for (const m of text.matchAll(/"type":"state","state":"(\w+)"/g)) quiet.states.push(m[1] ?? '');
    });
    const loud = new Set<string>();
    stream.on('data', (c: Buffer) => {
      for (const m of c.toString().matchAll(/"type":"(\w+)"/g)) loud.add(m[1] ?? '');
    });

    // Parameters are checked against the manifest before anything starts; text is typed by it.
    const refused = await call(socket(), 'POST', '/v1/app/launch', {
      reference: `${registry.host}/acme/control:1.0.0`,
      trust_policy: policy,
      parameters: { interval_ms: 'soon' },
    });
    expect(refused.status).toBe(400);
    expect(refused.json.code).toBe('PARAMETERS_INVALID');
    expect(String(refused.json.message)).toContain('interval_ms');
    expect((await state()).state).toBe('failed');

    const launched = await call(socket(), 'POST', '/v1/app/launch', {
      reference: `${registry.host}/acme/control:1.0.0`,
      trust_policy: policy,
      parameters: { interval_ms: '150' },
    });
    expect(launched.status).toBe(202);
    await until(async () => (await state()).state === 'ready');
    expect((await state()).app?.version).toBe('1.0.0');

    const again = await call(socket(), 'POST', '/v1/app/launch', {
      reference: `${registry.host}/acme/control:1.0.0`,
      trust_policy: policy,
    });
    expect(again.status).toBe(409);
    expect(again.json.code).toBe('APP_STATE_CONFLICT');

    const follow = await new Promise<string>((resolve, reject) => {
      const req = request(
        {
          socketPath: socket(),
          method: 'GET',
          path: '/v1/app/logs?follow=true&tail=5',
          headers: { authorization: `Bearer ${SECRET}` },
        },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => {
            text += c.toString();
            // New lines keep coming while following.
            if ((text.match(/tick 1\.0\.0/g) ?? []).length >= 3) {
              req.destroy();
              resolve(text);
            }
          });
        },
      );
      req.on('error', (e) => (e.message.includes('socket hang up') ? undefined : reject(e)));
      req.end();
    });
    expect(follow).toContain('tick 1.0.0');

    const upgrade = await call(socket(), 'POST', '/v1/app/upgrade', {
      reference: `${registry.host}/acme/control:2.0.0`,
      trust_policy: policy,
    });
    expect(upgrade.status).toBe(202);
    await until(async () => {
      const s = await state();
      return s.state === 'ready' && s.app?.version === '2.0.0';
    });

    const stopped = await call(socket(), 'POST', '/v1/app/stop');
    expect(stopped.json.state).toBe('stopped');
    await until(() => Promise.resolve(events.includes('stopped')));
    stream.destroy();
    expect(events).toEqual(
      expect.arrayContaining(['fetching', 'installing', 'ready', 'upgrading', 'stopping', 'stopped']),
    );
    await until(() => Promise.resolve(quiet.states.includes('stopped')));
    quietStream.destroy();
    expect(loud.has('log')).toBe(true);
    expect(quiet.types.has('log')).toBe(false);
    expect(quiet.states).toEqual(events);
  }, 60_000);

  it('refuses a launch without a trust policy, naming what is missing', async () => {
    const res = await call(socket(), 'POST', '/v1/app/launch', {
      reference: `${registry.host}/acme/control:1.0.0`,
    });
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('BODY_INVALID');
    expect(String(res.json.message)).toContain('trust_policy');
  });
});
