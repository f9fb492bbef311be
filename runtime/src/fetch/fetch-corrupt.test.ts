/**
 * Layers that break in the middle: a gzip stream signed as it is (a flipped bit, garbage, data
 * after its end, cut short) and good layers damaged on their way from the registry (a flipped
 * byte, a body cut short, a download that stalls until it is stopped). Each fails at once with its
 * own code, leaves nothing in the cache, and the next fetch of a good artifact works.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MEDIA_TYPES, signArtifact } from '@gpuaas/sdk';
import { requireTools, startRegistry, type TestRegistry } from '@gpuaas/test-support';
import { removeTree } from './cache.js';
import { fetchArtifact } from './fetch.js';
import {
  damagingFetch,
  damagingStreamGet,
  makeKeys,
  plainLayer,
  pushHandMade,
  type TestKeys,
  type TransitDamage,
} from './fixtures.test.util.js';

const available = requireTools('fetching damaged layers from a registry', 'docker-registry');
const logger = pino({ level: 'silent' });
/** Far above what any of these takes, far below the 30 s after which the platform gave up. */
const PROMPTLY_MS = 5_000;

async function listTree(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  return (await readdir(dir, { recursive: true })).map(String);
}

describe.skipIf(!available)('fetching a layer that breaks in the middle', () => {
  let registry: TestRegistry;
  let work: string;
  let publisher: TestKeys;
  let counter = 0;

  beforeAll(async () => {
    registry = await startRegistry();
    work = await mkdtemp(join(tmpdir(), 'rt-corrupt-'));
    publisher = await makeKeys(join(work, 'publisher'));
  });
  afterAll(async () => {
    await registry?.stop();
    if (work !== undefined) await removeTree(work);
  });

  /** A signed one-layer artifact whose gzip layer is `layer`, byte for byte. */
  const signed = async (layer: Buffer) => {
    const pushed = await pushHandMade(
      registry.host,
      `acme/corrupt-${++counter}`,
      '1.0.0',
      layer,
      MEDIA_TYPES.layerTarGzip,
    );
    await signArtifact(pushed.reference, publisher.key);
    return pushed;
  };
  const good = () => gzipSync(plainLayer(`echo ${++counter}\n`.repeat(3000)));

  const cases: [string, { layer: () => Buffer; transit?: TransitDamage; code: string }][] = [
    [
      'a bit flipped inside the gzip stream, signed as it is',
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
      'garbage after the gzip stream, signed',
      {
        layer: () => Buffer.concat([good(), Buffer.from('trailing garbage')]),
        code: 'ARTIFACT_LAYER_CORRUPT',
      },
    ],
    [
      'no gzip stream at all, signed',
      { layer: () => Buffer.from('x'.repeat(4096)), code: 'ARTIFACT_LAYER_CORRUPT' },
    ],
    [
      'a gzip stream cut in half, signed',
      { layer: () => good().subarray(0, good().length >> 1), code: 'ARTIFACT_TRUNCATED' },
    ],
    [
      'a good layer with a byte flipped in transit',
      { layer: good, transit: 'flip', code: 'ARTIFACT_TAMPERED' },
    ],
    ['a good layer whose download ends at half', { layer: good, transit: 'cut', code: 'ARTIFACT_TRUNCATED' }],
  ];

  it.each(cases)(
    '%s: fails at once with its code, keeps nothing, and a good artifact fetches next',
    async (_, c) => {
      const pushed = await signed(c.layer());
      const damage = damagingFetch(new Map(c.transit === undefined ? [] : [[pushed.layerDigest, c.transit]]));
      const cacheDir = join(work, `cache-${counter}`);
      const started = Date.now();
      await expect(
        fetchArtifact({
          reference: pushed.reference,
          cacheDir,
          keys: [publisher.pub],
          logger,
          registry: { fetch: damage.fetch },
        }),
      ).rejects.toMatchObject({ code: c.code, details: { blob: pushed.layerDigest } });
      expect(Date.now() - started).toBeLessThan(PROMPTLY_MS);
      expect(await listTree(join(cacheDir, 'trees'))).toEqual([]);
      expect(await listTree(join(cacheDir, 'tmp'))).toEqual([]);
      expect((await listTree(join(cacheDir, 'blobs'))).join('\n')).not.toContain(pushed.layerDigest.slice(7));

      const next = await signed(good());
      const fetched = await fetchArtifact({
        reference: next.reference,
        cacheDir,
        keys: [publisher.pub],
        logger,
      });
      expect(fetched.stats.filesUnpacked).toBe(1);
    },
  );

  // The same transit damage on the runtime's own receive path (undici's request, no test fetch).
  it.each([
    ['flip', 'ARTIFACT_TAMPERED'],
    ['cut', 'ARTIFACT_TRUNCATED'],
  ] as const)('through streamGet, a layer damaged in transit (%s) fails with %s', async (transit, code) => {
    const pushed = await signed(good());
    const damage = damagingStreamGet(new Map([[pushed.layerDigest, transit]]));
    const cacheDir = join(work, `cache-stream-${transit}`);
    await expect(
      fetchArtifact({
        reference: pushed.reference,
        cacheDir,
        keys: [publisher.pub],
        logger,
        registry: { streamGet: damage.streamGet },
      }),
    ).rejects.toMatchObject({ code, details: { blob: pushed.layerDigest } });
    expect(await listTree(join(cacheDir, 'trees'))).toEqual([]);
    expect((await listTree(join(cacheDir, 'blobs'))).join('\n')).not.toContain(pushed.layerDigest.slice(7));
  });

  it.each(['fetch', 'streamGet'] as const)(
    'a download that stalls (%s) ends with LAUNCH_ABORTED as soon as it is stopped, and the artifact fetches later',
    async (via) => {
      const pushed = await signed(good());
      const damage =
        via === 'fetch'
          ? damagingFetch(new Map([[pushed.layerDigest, 'stall']]))
          : damagingStreamGet(new Map([[pushed.layerDigest, 'stall']]));
      const cacheDir = join(work, `cache-stall-${via}`);
      const abort = new AbortController();
      const fetching = fetchArtifact({
        reference: pushed.reference,
        cacheDir,
        keys: [publisher.pub],
        logger,
        registry: 'fetch' in damage ? { fetch: damage.fetch } : { streamGet: damage.streamGet },
        signal: abort.signal,
      });
      fetching.catch(() => undefined);
      await damage.stalled;
      const stopped = Date.now();
      abort.abort();
      await expect(fetching).rejects.toMatchObject({ code: 'LAUNCH_ABORTED' });
      expect(Date.now() - stopped).toBeLessThan(PROMPTLY_MS);
      // The build lock was let go: the same artifact builds now.
      const fetched = await fetchArtifact({
        reference: pushed.reference,
        cacheDir,
        keys: [publisher.pub],
        logger,
      });
      expect(fetched).toMatchObject({ digest: pushed.digest, fromCache: false });
    },
  );
});
