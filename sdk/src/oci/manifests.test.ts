import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTools, startRegistry, type TestRegistry } from '@gpuaas/test-support';
import { bufferBlobSource } from './blob-source.js';
import { RegistryClient } from './client.js';
import { computeDigest } from './digest.js';
import { nextLink } from './manifests.js';
import { EMPTY_JSON_DESCRIPTOR, MEDIA_TYPES, type ImageManifest } from './types.js';

const available = requireTools('oci manifests (Distribution 2.8)', 'docker-registry');

describe('nextLink', () => {
  it.each([
    ['none', null, undefined],
    ['relative', '</v2/a/tags/list?n=2&last=b>; rel="next"', '/v2/a/tags/list?n=2&last=b'],
    [
      'absolute, unquoted rel',
      '<https://r.example/v2/a/tags/list?last=b>; rel=next',
      'https://r.example/v2/a/tags/list?last=b',
    ],
    ['other rel first', '</prev>; rel="prev", </next>; rel="next"', '/next'],
    ['only prev', '</prev>; rel="prev"', undefined],
  ])('%s', (_name, header, want) => {
    expect(nextLink(header)).toBe(want);
  });
});

/** Pushes a one-layer image and returns its manifest bytes. */
async function pushImage(client: RegistryClient, repository: string, tag: string): Promise<Buffer> {
  const layer = randomBytes(256);
  const layerDigest = computeDigest(layer);
  await client.pushBlob(repository, bufferBlobSource(layer, layerDigest));
  await client.pushBlob(repository, bufferBlobSource(Buffer.from('{}'), EMPTY_JSON_DESCRIPTOR.digest));
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.imageManifest,
    artifactType: 'application/vnd.gpuaas.test.v1',
    config: { mediaType: MEDIA_TYPES.emptyJson, digest: EMPTY_JSON_DESCRIPTOR.digest, size: 2 },
    layers: [{ mediaType: MEDIA_TYPES.layerTar, digest: layerDigest, size: 256 }],
    annotations: { tag },
  };
  // Indentation makes the bytes differ from any re-serialisation: a byte-exact round trip is visible.
  const bytes = Buffer.from(JSON.stringify(manifest, null, 3));
  await client.putManifest(repository, tag, bytes, MEDIA_TYPES.imageManifest);
  return bytes;
}

describe.skipIf(!available)('manifests and tags against Distribution 2.8', () => {
  let registry: TestRegistry;
  let client: RegistryClient;

  beforeAll(async () => {
    registry = await startRegistry();
    client = new RegistryClient({ registry: registry.host });
  });
  afterAll(async () => {
    await registry?.stop();
  });

  it('puts, gets (exact bytes), resolves and deletes a manifest', async () => {
    const bytes = await pushImage(client, 'man/app', '1.0.0');
    const digest = computeDigest(bytes);

    const byTag = await client.getManifest('man/app', '1.0.0');
    expect(byTag.bytes.equals(bytes)).toBe(true);
    expect(byTag.descriptor).toEqual({
      mediaType: MEDIA_TYPES.imageManifest,
      digest,
      size: bytes.length,
      artifactType: 'application/vnd.gpuaas.test.v1',
    });
    expect(byTag.manifest.mediaType).toBe(MEDIA_TYPES.imageManifest);

    const byDigest = await client.getManifest('man/app', digest);
    expect(byDigest.bytes.equals(bytes)).toBe(true);

    expect(await client.resolve('man/app', '1.0.0')).toEqual({
      mediaType: MEDIA_TYPES.imageManifest,
      digest,
      size: bytes.length,
    });
    expect(await client.headManifest('man/app', 'nope')).toBeUndefined();
    await expect(client.resolve('man/app', 'nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(client.getManifest('man/app', 'nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });

    await client.deleteManifest('man/app', digest);
    expect(await client.headManifest('man/app', digest)).toBeUndefined();
    expect(await client.headManifest('man/app', '1.0.0')).toBeUndefined();
  });

  it('refuses a manifest whose blobs are not in the repository', async () => {
    const manifest: ImageManifest = {
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.imageManifest,
      config: { mediaType: MEDIA_TYPES.emptyJson, digest: computeDigest(randomBytes(8)), size: 8 },
      layers: [],
    };
    const error = await client
      .putManifest('man/missing', 'x', Buffer.from(JSON.stringify(manifest)), MEDIA_TYPES.imageManifest)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'REGISTRY_ERROR' });
    expect(
      (error as { details: { registryErrors: { code: string }[] } }).details.registryErrors[0]?.code,
    ).toBe('MANIFEST_BLOB_UNKNOWN');
  });

  it('refuses bytes that do not match the digest they are put under', async () => {
    await expect(
      client.putManifest('man/app', computeDigest('other'), Buffer.from('{}'), MEDIA_TYPES.imageManifest),
    ).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
  });

  it('lists tags with a page size (Distribution 2.8.2 ignores n and answers one page)', async () => {
    const tags = ['a1', 'b2', 'c3', 'd4', 'e5'];
    for (const tag of tags) await pushImage(client, 'man/paged', tag);
    const requests: string[] = [];
    const c = new RegistryClient({
      registry: registry.host,
      fetch: (input, init) => {
        requests.push(input instanceof Request ? input.url : input.toString());
        return fetch(input, init);
      },
    });
    const seen: string[] = [];
    for await (const tag of c.listTags('man/paged', { pageSize: 2 })) seen.push(tag);
    expect(seen.sort()).toEqual(tags);
    expect(requests[0]).toContain('/v2/man/paged/tags/list?n=2');
    await expect(
      (async () => {
        for await (const tag of c.listTags('man/never-pushed')) void tag;
      })(),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
