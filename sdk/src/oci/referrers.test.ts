import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTools, startHttpServer, startRegistry, type TestRegistry } from '@gpuaas/test-support';
import { bufferBlobSource } from './blob-source.js';
import { RegistryClient } from './client.js';
import { computeDigest } from './digest.js';
import { referrersTag, withKeyedLock } from './referrers.js';
import {
  EMPTY_JSON_DESCRIPTOR,
  MEDIA_TYPES,
  type Descriptor,
  type ImageIndex,
  type ImageManifest,
} from './types.js';

const available = requireTools('oci referrers (Distribution 2.8)', 'docker-registry');
const SIG = MEDIA_TYPES.sigstoreBundle;
const SBOM = 'application/spdx+json';

async function pushSubject(client: RegistryClient, repository: string): Promise<Descriptor> {
  await client.pushBlob(repository, bufferBlobSource(Buffer.from('{}'), EMPTY_JSON_DESCRIPTOR.digest));
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.imageManifest,
    config: { mediaType: MEDIA_TYPES.emptyJson, digest: EMPTY_JSON_DESCRIPTOR.digest, size: 2 },
    layers: [],
    annotations: { nonce: randomBytes(8).toString('hex') },
  };
  return client.putManifest(
    repository,
    'subject',
    Buffer.from(JSON.stringify(manifest)),
    MEDIA_TYPES.imageManifest,
  );
}

describe('withKeyedLock', () => {
  it('runs tasks with one key one after another, and other keys alongside', async () => {
    const log: string[] = [];
    const task = (name: string, ms: number) => async () => {
      log.push(`start ${name}`);
      await new Promise((resolve) => setTimeout(resolve, ms));
      log.push(`end ${name}`);
      if (name === 'a1') throw new Error('a1 fails');
    };
    const results = await Promise.allSettled([
      withKeyedLock('a', task('a1', 20)),
      withKeyedLock('a', task('a2', 1)),
      withKeyedLock('b', task('b1', 5)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect(log.indexOf('start a2')).toBeGreaterThan(log.indexOf('end a1'));
    expect(log.indexOf('start b1')).toBeLessThan(log.indexOf('end a1'));
  });
});

describe.skipIf(!available)('referrers through the tag-schema fallback on Distribution 2.8', () => {
  let registry: TestRegistry;
  let client: RegistryClient;

  beforeAll(async () => {
    registry = await startRegistry();
    client = new RegistryClient({ registry: registry.host });
  });
  afterAll(async () => {
    await registry?.stop();
  });

  it('pushes two referrers, lists them (filtered by artifactType) and reads one back', async () => {
    const subject = await pushSubject(client, 'ref/app');
    expect(await client.listReferrers('ref/app', subject.digest)).toEqual([]);

    const bundle = Buffer.from(
      JSON.stringify({ mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', n: 1 }),
    );
    const sig = await client.pushReferrer('ref/app', subject, {
      artifactType: SIG,
      layers: [{ mediaType: SIG, bytes: bundle, annotations: { kind: 'publisher' } }],
      annotations: { 'org.opencontainers.image.created': '2026-01-01T00:00:00Z' },
    });
    const sbomConfig = Buffer.from('{"format":"spdx"}');
    const sbom = await client.pushReferrer('ref/app', subject, {
      artifactType: SBOM,
      config: {
        descriptor: {
          mediaType: 'application/vnd.test.config+json',
          digest: computeDigest(sbomConfig),
          size: sbomConfig.length,
        },
        bytes: sbomConfig,
      },
      layers: [],
    });

    const all = await client.listReferrers('ref/app', subject.digest);
    expect(all.map((d) => d.digest)).toEqual([sig.digest, sbom.digest]);
    expect(all[0]).toEqual({
      mediaType: MEDIA_TYPES.imageManifest,
      digest: sig.digest,
      size: sig.size,
      artifactType: SIG,
      annotations: { 'org.opencontainers.image.created': '2026-01-01T00:00:00Z' },
    });
    expect(
      (await client.listReferrers('ref/app', subject.digest, { artifactType: SIG })).map((d) => d.digest),
    ).toEqual([sig.digest]);
    expect(
      await client.listReferrers('ref/app', subject.digest, { artifactType: 'application/none' }),
    ).toEqual([]);

    const read = await client.fetchReferrer('ref/app', sig);
    expect(read.manifest.subject).toEqual({
      mediaType: subject.mediaType,
      digest: subject.digest,
      size: subject.size,
    });
    expect(read.manifest.artifactType).toBe(SIG);
    expect(read.manifest.config).toEqual({
      mediaType: MEDIA_TYPES.emptyJson,
      digest: EMPTY_JSON_DESCRIPTOR.digest,
      size: 2,
    });
    expect(read.layers).toHaveLength(1);
    expect(read.layers[0]?.bytes.equals(bundle)).toBe(true);
    expect(read.layers[0]?.descriptor.annotations).toEqual({ kind: 'publisher' });

    const sbomRead = await client.fetchReferrer('ref/app', sbom);
    expect(sbomRead.manifest.layers).toEqual([
      { mediaType: MEDIA_TYPES.emptyJson, digest: EMPTY_JSON_DESCRIPTOR.digest, size: 2 },
    ]);
    expect(sbomRead.manifest.config.mediaType).toBe('application/vnd.test.config+json');

    // the fallback index is a real tag holding an image index
    const index = await client.getManifest('ref/app', referrersTag(subject.digest));
    expect(index.descriptor.mediaType).toBe(MEDIA_TYPES.imageIndex);
    expect((index.manifest as ImageIndex).manifests).toHaveLength(2);

    // pushing the same referrer again does not duplicate it
    await client.pushReferrer('ref/app', subject, {
      artifactType: SIG,
      layers: [{ mediaType: SIG, bytes: bundle, annotations: { kind: 'publisher' } }],
      annotations: { 'org.opencontainers.image.created': '2026-01-01T00:00:00Z' },
    });
    expect(await client.listReferrers('ref/app', subject.digest)).toHaveLength(2);
  });

  it('keeps every referrer when one process pushes several for one subject at once', async () => {
    const subject = await pushSubject(client, 'ref/concurrent');
    const other = new RegistryClient({ registry: registry.host });
    const pushes = Array.from({ length: 6 }, (_, i) =>
      (i % 2 === 0 ? client : other).pushReferrer('ref/concurrent', subject, {
        artifactType: SIG,
        layers: [{ mediaType: SIG, bytes: Buffer.from(`bundle ${i}`) }],
      }),
    );
    const pushed = await Promise.all(pushes);
    const listed = await client.listReferrers('ref/concurrent', subject.digest);
    expect(new Set(listed.map((d) => d.digest))).toEqual(new Set(pushed.map((d) => d.digest)));
    expect(listed).toHaveLength(6);
  });

  it('asks for the Referrers API once, then goes to the tag directly', async () => {
    const subject = await pushSubject(client, 'ref/probe');
    const paths: string[] = [];
    const c = new RegistryClient({
      registry: registry.host,
      fetch: (input, init) => {
        paths.push(new URL(input instanceof Request ? input.url : input).pathname);
        return fetch(input, init);
      },
    });
    await c.listReferrers('ref/probe', subject.digest);
    await c.listReferrers('ref/probe', subject.digest);
    expect(paths).toEqual([
      `/v2/ref/probe/referrers/${subject.digest}`,
      `/v2/ref/probe/manifests/${referrersTag(subject.digest)}`,
      `/v2/ref/probe/manifests/${referrersTag(subject.digest)}`,
    ]);
  });
});

describe('referrers on a registry with the Referrers API', () => {
  it('lists through the API, filters when the registry did not, and skips the fallback tag on OCI-Subject', async () => {
    const subjectDigest = computeDigest('subject');
    const listed: Descriptor[] = [
      { mediaType: MEDIA_TYPES.imageManifest, digest: computeDigest('a'), size: 10, artifactType: SIG },
      { mediaType: MEDIA_TYPES.imageManifest, digest: computeDigest('b'), size: 11, artifactType: SBOM },
    ];
    const s = await startHttpServer((req, res) => {
      const path = req.url.pathname;
      if (req.method === 'GET' && path === `/v2/r/x/referrers/${subjectDigest}`) {
        const index: ImageIndex = { schemaVersion: 2, mediaType: MEDIA_TYPES.imageIndex, manifests: listed };
        return void res.writeHead(200, { 'content-type': MEDIA_TYPES.imageIndex }).end(JSON.stringify(index));
      }
      if (req.method === 'HEAD' && path.startsWith('/v2/r/x/blobs/')) return void res.writeHead(200).end();
      if (req.method === 'PUT' && path.startsWith('/v2/r/x/manifests/sha256:')) {
        return void res
          .writeHead(201, { 'docker-content-digest': computeDigest(req.body), 'oci-subject': subjectDigest })
          .end();
      }
      res.writeHead(404).end();
    });
    try {
      const c = new RegistryClient({ registry: s.host });
      expect(await c.listReferrers('r/x', subjectDigest)).toEqual(listed);
      expect(await c.listReferrers('r/x', subjectDigest, { artifactType: SBOM })).toEqual([listed[1]]);
      expect(s.requests.at(-1)?.url.searchParams.get('artifactType')).toBe(SBOM);

      const pushed = await c.pushReferrer(
        'r/x',
        { mediaType: MEDIA_TYPES.imageManifest, digest: subjectDigest, size: 7 },
        { artifactType: SIG, layers: [{ mediaType: SIG, bytes: Buffer.from('sig') }] },
      );
      const puts = s.requests.filter((r) => r.method === 'PUT');
      expect(puts.map((r) => r.url.pathname)).toEqual([`/v2/r/x/manifests/${pushed.digest}`]);
      expect((JSON.parse(puts[0]!.body.toString()) as ImageManifest).subject?.digest).toBe(subjectDigest);
    } finally {
      await s.stop();
    }
  });
});
