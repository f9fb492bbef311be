/**
 * A launch whose artifact breaks while it is fetched, through the control API: every failure ends
 * the launch at once with its own code (never a wedged `fetching`), `stop` stops even while a
 * download hangs, and the next launch of a good artifact runs.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { MEDIA_TYPES, publishApp, signArtifact } from '@gpuaas/sdk';
import { keyTrustPolicy, requireTools, startRegistry } from '@gpuaas/test-support';
import type { TestRegistry } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  damagingFetch,
  makeKeys,
  plainLayer,
  pushHandMade,
  type TestKeys,
  type TransitDamage,
} from '../fetch/fixtures.test.util.js';
import type { RuntimeServer } from '../server.js';
import type { AppController } from './routes.js';
import {
  READY_RUN,
  controlClient,
  readyAppManifest,
  startControlledRuntime,
  until,
} from './control.test.util.js';

const SECRET = 'fetch-failures-secret-0123456789';
/** Far above what any failure here takes, far below the platform's 30 s relay timeout. */
const PROMPTLY_MS = 5_000;

const call = controlClient(SECRET);

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
      await writeFile(join(appDir, 'gpuaas-app.yaml'), readyAppManifest('good-app'));
      await writeFile(join(appDir, 'run.sh'), READY_RUN, { mode: 0o755 });
      goodApp = (await publishApp(appDir, { to: `${registry.host}/acme/good:1.0.0`, signingKey: keys.key }))
        .reference;
      policy = keyTrustPolicy({
        authority: 'acme',
        publicKeyPem: await readFile(keys.pubPath, 'utf8'),
        scopes: [`${registry.host}/acme/**`],
      });
      ({ controller, server } = await startControlledRuntime(dir, SECRET, {
        fetch: (input, init) => transit.fetch(input, init),
      }));
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
