/**
 * A launch whose artifact breaks while it is fetched, through the control API: every failure ends
 * the launch at once with its own code (never a wedged `fetching`), `stop` stops even while a
 * download hangs, and the next launch of a good artifact runs.
 */
import { request } from 'node:http';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { MEDIA_TYPES, publishApp, signArtifact } from '@gpuaas/sdk';
import { keyTrustPolicy, requireTools, startRegistry } from '@gpuaas/test-support';
import type { TestRegistry } from '@gpuaas/test-support';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  damagingFetch,
  makeKeys,
  plainLayer,
  pushHandMade,
  type TestKeys,
  type TransitDamage,
} from '../fetch/fixtures.test.util.js';
import { startRuntimeServer } from '../server.js';
import type { RuntimeServer } from '../server.js';
import { createAppController } from './routes.js';
import type { AppController } from './routes.js';

const SECRET = 'fetch-failures-secret-0123456789';
/** Far above what any failure here takes, far below the platform's 30 s relay timeout. */
const PROMPTLY_MS = 5_000;

const MANIFEST = `apiVersion: gpuaas.dev/v1alpha1
name: good-app
version: 1.0.0
publisher: gpuaas-tests
run:
  entrypoint: [sh, run.sh]
resources:
  minimum:
    gpus: { count: 0 }
health:
  stop: { gracePeriod: 2s }
`;
const RUN = `#!/bin/sh
node -e "require('http').request({socketPath: process.env.GPUAAS_RUNTIME_URL.slice(5), method: 'POST', path: '/v1/ready'}).end()"
while true; do sleep 0.2; done
`;

function call(socketPath: string, method: string, path: string, body?: unknown) {
  return new Promise<{ status: number; json: Record<string, unknown> }>((resolve, reject) => {
    const req = request(
      {
        socketPath,
        method,
        path,
        headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, json: JSON.parse(text || '{}') as Record<string, unknown> }),
        );
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

describe.skipIf(!requireTools('launches of damaged artifacts', 'docker-registry'))(
  'a launch whose artifact breaks',
  () => {
    let registry: TestRegistry;
    let dir: string;
    let server: RuntimeServer;
    let controller: AppController;
    let keys: TestKeys;
    let policy: string;
    let goodApp: string;
    let counter = 0;
    // The damage the registry's answers suffer, swapped per test.
    let transit = damagingFetch(new Map());
    const socket = () => server.socketPath;
    const status = async () =>
      (await call(socket(), 'GET', '/v1/app')).json as { state: string; code?: string };
    const until = async (probe: () => Promise<boolean>) => {
      const deadline = Date.now() + 30_000;
      while (!(await probe())) {
        if (Date.now() > deadline) throw new Error('condition not met in time');
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const launch = (reference: string) =>
      call(socket(), 'POST', '/v1/app/launch', { reference, trust_policy: policy });

    /** A good app launches, becomes ready and stops: the runtime is not wedged. */
    const launchesFine = async () => {
      const launched = await launch(goodApp);
      expect(launched.status, JSON.stringify(launched.json)).toBe(202);
      await until(async () => (await status()).state === 'ready');
      expect((await call(socket(), 'POST', '/v1/app/stop')).json.state).toBe('stopped');
    };
    const signedLayer = async (layer: Buffer) => {
      const pushed = await pushHandMade(
        registry.host,
        `acme/broken-${++counter}`,
        '1.0.0',
        layer,
        MEDIA_TYPES.layerTarGzip,
      );
      await signArtifact(pushed.reference, keys.key);
      return pushed;
    };
    const good = () => gzipSync(plainLayer(`echo ${++counter}\n`.repeat(3000)));

    beforeAll(async () => {
      registry = await startRegistry();
      dir = await mkdtemp(join(tmpdir(), 'gpuaas-fetchfail-'));
      keys = await makeKeys(join(dir, 'acme'));
      const appDir = join(dir, 'app');
      await mkdir(appDir, { recursive: true });
      await writeFile(join(appDir, 'gpuaas-app.yaml'), MANIFEST);
      await writeFile(join(appDir, 'run.sh'), RUN, { mode: 0o755 });
      goodApp = (await publishApp(appDir, { to: `${registry.host}/acme/good:1.0.0`, signingKey: keys.key }))
        .reference;
      policy = keyTrustPolicy({
        authority: 'acme',
        publicKeyPem: await readFile(keys.pubPath, 'utf8'),
        scopes: [`${registry.host}/acme/**`],
      });
      const logger = pino({ level: 'silent' });
      await mkdir(join(dir, 'run'), { recursive: true });
      controller = createAppController({
        dataDir: join(dir, 'data'),
        runDir: join(dir, 'run'),
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir },
        logger,
        registry: { fetch: (input, init) => transit.fetch(input, init) },
      });
      server = await startRuntimeServer({
        socketPath: join(dir, 'run', 'rt.sock'),
        secret: SECRET,
        logger,
        routes: controller.routes,
      });
    }, 60_000);

    afterAll(async () => {
      await controller?.close();
      await server?.close();
      await registry?.stop();
      if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    });

    const cases: [string, { layer: () => Buffer; damage?: TransitDamage; code: string }][] = [
      [
        'a bit flipped in a signed gzip layer',
        {
          layer: () => {
            const bytes = good();
            bytes[bytes.length >> 1] = (bytes[bytes.length >> 1] ?? 0) ^ 0x10;
            return bytes;
          },
          code: 'ARTIFACT_LAYER_CORRUPT',
        },
      ],
      [
        'garbage after a signed gzip layer',
        { layer: () => Buffer.concat([good(), Buffer.from('garbage')]), code: 'ARTIFACT_LAYER_CORRUPT' },
      ],
      ['a signed gzip layer cut short', { layer: () => good().subarray(0, 40), code: 'ARTIFACT_TRUNCATED' }],
      ['a layer changed in transit', { layer: good, damage: 'flip', code: 'ARTIFACT_TAMPERED' }],
      ['a download that ends early', { layer: good, damage: 'cut', code: 'ARTIFACT_TRUNCATED' }],
    ];

    it.each(cases)(
      '%s: the launch fails at once with %s, stop answers, and a good app launches next',
      async (_, c) => {
        const broken = await signedLayer(c.layer());
        transit = damagingFetch(new Map(c.damage === undefined ? [] : [[broken.layerDigest, c.damage]]));
        const started = Date.now();
        const refused = await launch(broken.reference);
        expect(Date.now() - started).toBeLessThan(PROMPTLY_MS);
        expect(refused.status).toBe(422);
        expect(refused.json.code).toBe(c.code);
        expect(await status()).toMatchObject({ state: 'failed', code: c.code });
        expect((await call(socket(), 'POST', '/v1/app/stop')).status).toBe(200);
        await launchesFine();
      },
      60_000,
    );

    it('stop during a download that hangs aborts the launch (LAUNCH_ABORTED) and frees the runtime', async () => {
      const hanging = await signedLayer(good());
      transit = damagingFetch(new Map([[hanging.layerDigest, 'stall']]));
      const launching = launch(hanging.reference);
      await transit.stalled;
      expect((await status()).state).toBe('fetching');
      // A second launch meanwhile is a conflict, as before…
      expect((await launch(goodApp)).json.code).toBe('APP_STATE_CONFLICT');
      // …but stop now stops.
      const stopping = Date.now();
      const stopped = await call(socket(), 'POST', '/v1/app/stop');
      expect(Date.now() - stopping).toBeLessThan(PROMPTLY_MS);
      expect(stopped.status).toBe(200);
      expect(stopped.json).toMatchObject({ state: 'stopped', code: 'LAUNCH_ABORTED' });
      const aborted = await launching;
      expect(aborted.status).toBe(409);
      expect(aborted.json.code).toBe('LAUNCH_ABORTED');
      await launchesFine();
    }, 60_000);
  },
);
