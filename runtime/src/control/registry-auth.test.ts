/**
 * `registry_auth` in a launch (the platform's short-lived pull token): the runtime offers it to the
 * artifact's registry, which here refuses anonymous pulls, and the launch runs; without it the
 * same launch fails; a malformed one is refused before anything is fetched. `registry_plain_http`
 * makes a registry whose name is no loopback one pulled over http instead of https.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publishApp } from '@gpuaas/sdk';
import { keyTrustPolicy, requireTools, startRegistry } from '@gpuaas/test-support';
import type { TestRegistry } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeKeys } from '../fetch/fixtures.test.util.js';
import type { RuntimeServer } from '../server.js';
import type { AppController } from './routes.js';
import {
  READY_RUN,
  controlClient,
  readyAppManifest,
  startControlledRuntime,
  until,
} from './control.test.util.js';

const SECRET = 'registry-auth-secret-0123456789';
const AUTH = { username: 'launch-account', password: 'short-lived-pull-token' };

const call = controlClient(SECRET);

describe.skipIf(!requireTools('launches from a registry that needs credentials', 'docker-registry'))(
  'a launch with registry_auth',
  () => {
    let registry: TestRegistry;
    let dir: string;
    let server: RuntimeServer;
    let controller: AppController;
    let policy: string;
    let reference: string;
    /** What the registry saw: the Authorization header of each request. */
    const seen: (string | null)[] = [];
    const expected = `Basic ${Buffer.from(`${AUTH.username}:${AUTH.password}`).toString('base64')}`;
    // The registry in front of Distribution: anonymous requests are challenged, the right Basic passes.
    /** Every URL asked for; `registry.test` is the registry under a name that is no loopback one. */
    const urls: string[] = [];
    const guarded: typeof fetch = async (request, init) => {
      const asked = request instanceof Request ? request.url : String(request);
      urls.push(asked);
      const input = asked.replace(/^(https?:\/\/)registry\.test:/, '$1127.0.0.1:');
      const headers = new Headers(init?.headers);
      seen.push(headers.get('authorization'));
      if (headers.get('authorization') !== expected) {
        return new Response(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'credentials' }] }), {
          status: 401,
          headers: { 'www-authenticate': 'Basic realm="test"', 'content-type': 'application/json' },
        });
      }
      headers.delete('authorization');
      return fetch(input, { ...init, headers });
    };
    const socket = () => server.socketPath;
    const status = async () =>
      (await call(socket(), 'GET', '/v1/app')).json as { state: string; code?: string };

    beforeAll(async () => {
      registry = await startRegistry();
      dir = await mkdtemp(join(tmpdir(), 'gpuaas-regauth-'));
      const keys = await makeKeys(join(dir, 'acme'));
      const appDir = join(dir, 'app');
      await mkdir(appDir, { recursive: true });
      await writeFile(join(appDir, 'gpuaas-app.yaml'), readyAppManifest('private-app'));
      await writeFile(join(appDir, 'run.sh'), READY_RUN, { mode: 0o755 });
      reference = (
        await publishApp(appDir, { to: `${registry.host}/acme/private:1.0.0`, signingKey: keys.key })
      ).reference;
      policy = keyTrustPolicy({
        authority: 'acme',
        publicKeyPem: await readFile(keys.pubPath, 'utf8'),
        scopes: [`${registry.host}/acme/**`],
      });
      ({ controller, server } = await startControlledRuntime(dir, SECRET, { fetch: guarded }));
    }, 60_000);

    afterAll(async () => {
      await controller?.close();
      await server?.close();
      await registry?.stop();
      if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    });

    it('refuses a malformed registry_auth before fetching anything', async () => {
      const before = seen.length;
      const res = await call(socket(), 'POST', '/v1/app/launch', {
        reference,
        trust_policy: policy,
        registry_auth: { username: 'x' },
      });
      expect(res.status).toBe(400);
      expect(res.json.code).toBe('BODY_INVALID');
      expect(seen.length).toBe(before);
    });

    it('fails without credentials and runs with them', async () => {
      const anonymous = await call(socket(), 'POST', '/v1/app/launch', { reference, trust_policy: policy });
      // Pinning the tag is the first request: refused there, the launch fails at once.
      expect(anonymous.status, JSON.stringify(anonymous.json)).toBe(502);
      expect(anonymous.json.code).toBe('ARTIFACT_PULL_FAILED');
      expect(seen.includes(expected)).toBe(false);

      const launched = await call(socket(), 'POST', '/v1/app/launch', {
        reference,
        trust_policy: policy,
        registry_auth: AUTH,
      });
      expect(launched.status, JSON.stringify(launched.json)).toBe(202);
      await until(async () => (await status()).state === 'ready');
      expect(seen).toContain(expected);
      expect((await call(socket(), 'POST', '/v1/app/stop')).json.state).toBe('stopped');
    });

    it('pulls over plain http from a registry the platform says speaks it, else over https', async () => {
      const aliased = reference.replace(/^[^/]+/, `registry.test:${registry.host.split(':')[1] ?? ''}`);
      const pulls = async (plain: boolean | undefined) => {
        const from = urls.length;
        const res = await call(socket(), 'POST', '/v1/app/launch', {
          reference: aliased,
          trust_policy: policy,
          registry_auth: AUTH,
          ...(plain === undefined ? {} : { registry_plain_http: plain }),
        });
        return { status: res.status, scheme: new URL(urls[from] ?? 'about:blank').protocol };
      };
      // Not covered by the policy (another registry name): refused after the first request.
      expect(await pulls(true)).toMatchObject({ scheme: 'http:' });
      expect(await pulls(undefined)).toMatchObject({ scheme: 'https:', status: 502 });
      expect(
        (
          await call(socket(), 'POST', '/v1/app/launch', {
            reference,
            trust_policy: policy,
            registry_plain_http: 'yes',
          })
        ).json.code,
      ).toBe('BODY_INVALID');
    });
  },
);
