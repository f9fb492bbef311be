/**
 * The SDK's registry operations against both registries it must work with: the Distribution
 * registry (Debian's `docker-registry` 2.8, no auth) and the platform's embedded registry (a test
 * platform in this process, a platform access token as the Basic password). The same cases run on
 * both (describe.each): blob push (monolithic and chunked) and pull, cross-repository mount,
 * manifests by tag and digest with tag paging and deletes, referrers with artifactType filters
 * (the Referrers API on the embedded registry, the tag-schema fallback on Distribution), and the
 * publishing workflow: pack, push, sign, verify, promote by digest with referrers carried and an
 * approval attestation. The SDK package's own tests cover each operation in depth on Distribution;
 * this file lives here because the SDK may not import the platform.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  APPROVAL_PREDICATE_TYPE,
  EMPTY_JSON_DESCRIPTOR,
  MEDIA_TYPES,
  RegistryClient,
  bufferBlobSource,
  computeDigest,
  loadPublicKey,
  loadSigningKey,
  loadTrustPolicy,
  packApp,
  promoteArtifact,
  pushLayout,
  signArtifact,
  staticCredentials,
  verifyArtifact,
  writeKeyPair,
} from '@gpuaas/sdk';
import type { ClientOptions, Descriptor, ImageManifest, PublicKey, SigningKey } from '@gpuaas/sdk';
import { makeApp, requireTools, startRegistry } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform } from '../platform/src/testing/harness.js';

// Distribution is started only where it is installed; the embedded registry runs everywhere.
const distribution = requireTools('registry conformance on Distribution 2.8', 'docker-registry');

/** A running registry as the SDK sees it. */
interface Target {
  host: string;
  /** How the SDK's workflows reach it (credentials for the embedded one). */
  options: ClientOptions;
  client: RegistryClient;
  /** Two namespaces the caller may push to (projects on the embedded registry). */
  namespaces: [string, string];
  stop(): Promise<void>;
}

async function startDistribution(): Promise<Target> {
  const registry = await startRegistry();
  return {
    host: registry.host,
    options: {},
    client: new RegistryClient({ registry: registry.host }),
    namespaces: ['conf-a', 'conf-b'],
    stop: () => registry.stop(),
  };
}

/** A platform whose user owns the projects `conf-a` and `conf-b`, i.e. those namespaces. */
async function startEmbedded(): Promise<Target> {
  const t = await startTestPlatform('sqlite', { rateLimit: { enabled: false } });
  const { token } = await t.login('conformance@example.com');
  for (const name of ['conf-a', 'conf-b']) {
    const res = await t.request('/v1/projects', { method: 'POST', token, json: { name } });
    expect(res.status, await res.clone().text()).toBe(201);
  }
  const host = new URL(t.url).host;
  const credentials = staticCredentials({ username: 'ci', password: token });
  return {
    host,
    options: { connection: { credentials } },
    client: new RegistryClient({ registry: host, credentials }),
    namespaces: ['conf-a', 'conf-b'],
    stop: () => t.close(),
  };
}

const TARGETS: [string, () => Promise<Target>][] = [
  ...(distribution ? [['Distribution 2.8', startDistribution] as [string, () => Promise<Target>]] : []),
  ['the embedded registry', startEmbedded],
];

async function pushImage(
  client: RegistryClient,
  repository: string,
  tag: string,
): Promise<Descriptor & { bytes: Buffer }> {
  const layer = randomBytes(256);
  await client.pushBlob(repository, bufferBlobSource(layer, computeDigest(layer)));
  await client.pushBlob(repository, bufferBlobSource(Buffer.from('{}'), EMPTY_JSON_DESCRIPTOR.digest));
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.imageManifest,
    artifactType: 'application/vnd.gpuaas.test.v1',
    config: { mediaType: MEDIA_TYPES.emptyJson, digest: EMPTY_JSON_DESCRIPTOR.digest, size: 2 },
    layers: [{ mediaType: MEDIA_TYPES.layerTar, digest: computeDigest(layer), size: 256 }],
    annotations: { tag },
  };
  // Indentation makes the bytes differ from any re-serialisation: a byte-exact round trip is visible.
  const bytes = Buffer.from(JSON.stringify(manifest, null, 3));
  const descriptor = await client.putManifest(repository, tag, bytes, MEDIA_TYPES.imageManifest);
  return { ...descriptor, bytes };
}

describe.each(TARGETS)('the SDK against %s', (_name, start) => {
  let target: Target;
  let work: string;
  let repo: (n: 0 | 1, name: string) => string;

  beforeAll(async () => {
    target = await start();
    work = await mkdtemp(join(tmpdir(), 'registry-conformance-'));
    repo = (n, name) => `${target.namespaces[n]}/${name}`;
  }, 60_000);
  afterAll(async () => {
    await target?.stop();
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  });

  it('pushes blobs monolithically and in chunks, pulls them back verified, and deletes them', async () => {
    const { client } = target;
    const small = randomBytes(1000);
    const pushed = await client.pushBlob(repo(0, 'blobs'), bufferBlobSource(small, computeDigest(small)));
    expect(pushed).toMatchObject({
      outcome: 'uploaded',
      descriptor: { digest: computeDigest(small), size: 1000 },
    });
    expect(
      (await client.pushBlob(repo(0, 'blobs'), bufferBlobSource(small, computeDigest(small)))).outcome,
    ).toBe('existed');
    const big = randomBytes(3 * 1024 * 1024 + 5);
    const chunked = await client.pushBlob(repo(0, 'blobs'), bufferBlobSource(big), {
      chunkSize: 1024 * 1024,
    });
    expect(chunked.outcome).toBe('uploaded');
    const file = join(work, 'big.bin');
    await client.pullBlob(repo(0, 'blobs'), chunked.descriptor, file);
    expect((await readFile(file)).equals(big)).toBe(true);
    expect((await client.fetchBlob(repo(0, 'blobs'), pushed.descriptor)).equals(small)).toBe(true);
    await client.deleteBlob(repo(0, 'blobs'), pushed.descriptor.digest);
    expect(await client.hasBlob(repo(0, 'blobs'), pushed.descriptor.digest)).toBe(false);
    expect(await client.hasBlob(repo(0, 'blobs'), chunked.descriptor.digest)).toBe(true);
  });

  it('mounts a blob across repositories and namespaces without sending it again', async () => {
    const { client } = target;
    const bytes = randomBytes(4096);
    const { descriptor } = await client.pushBlob(repo(0, 'mount-src'), bufferBlobSource(bytes));
    expect(await client.hasBlob(repo(1, 'mount-dst'), descriptor.digest)).toBe(false);
    expect(await client.mountBlob(repo(1, 'mount-dst'), descriptor.digest, repo(0, 'mount-src'))).toBe(true);
    expect((await client.fetchBlob(repo(1, 'mount-dst'), descriptor)).equals(bytes)).toBe(true);
    // A source without the blob: no mount (the caller uploads instead).
    const absent = computeDigest(randomBytes(16));
    expect(await client.mountBlob(repo(1, 'mount-dst'), absent, repo(0, 'mount-src'))).toBe(false);
  });

  it('stores manifests byte for byte by tag and digest, pages tags, and deletes by digest', async () => {
    const { client } = target;
    const repository = repo(0, 'manifests');
    const image = await pushImage(client, repository, 'v1');
    const fetched = await client.getManifest(repository, 'v1');
    expect(fetched.bytes.equals(image.bytes)).toBe(true);
    expect(fetched.descriptor.digest).toBe(image.digest);
    expect((await client.resolve(repository, 'v1')).digest).toBe(image.digest);
    expect((await client.getManifest(repository, image.digest)).bytes.equals(image.bytes)).toBe(true);
    const tags = ['a1', 'a2', 'b1', 'b2', 'c1'];
    for (const tag of tags) await client.putManifest(repository, tag, image.bytes, MEDIA_TYPES.imageManifest);
    const listed: string[] = [];
    for await (const tag of client.listTags(repository, { pageSize: 2 })) listed.push(tag);
    // Across three pages; Distribution does not promise lexical order, so compare as sets.
    expect(listed.sort()).toEqual([...tags, 'v1']);

    await client.deleteManifest(repository, image.digest);
    expect(await client.headManifest(repository, image.digest)).toBeUndefined();
    expect(await client.headManifest(repository, 'v1')).toBeUndefined();
  });

  it('lists referrers of a subject, filtered by artifactType', async () => {
    const { client } = target;
    const repository = repo(0, 'referrers');
    const subject = await pushImage(client, repository, 'subject');
    const descriptor: Descriptor = {
      mediaType: subject.mediaType,
      digest: subject.digest,
      size: subject.size,
    };
    const signature = await client.pushReferrer(repository, descriptor, {
      artifactType: MEDIA_TYPES.sigstoreBundle,
      layers: [{ mediaType: MEDIA_TYPES.sigstoreBundle, bytes: Buffer.from('{"sig":1}') }],
    });
    const sbom = await client.pushReferrer(repository, descriptor, {
      artifactType: 'application/spdx+json',
      layers: [{ mediaType: 'application/spdx+json', bytes: Buffer.from('{"spdx":1}') }],
    });
    const all = await client.listReferrers(repository, subject.digest);
    expect(all.map((d) => d.digest).sort()).toEqual([signature.digest, sbom.digest].sort());
    const signatures = await client.listReferrers(repository, subject.digest, {
      artifactType: MEDIA_TYPES.sigstoreBundle,
    });
    expect(signatures.map((d) => d.digest)).toEqual([signature.digest]);
    const fetched = await client.fetchReferrer(repository, signature);
    expect(Buffer.from(fetched.layers[0]?.bytes ?? []).toString()).toBe('{"sig":1}');
    expect(await client.listReferrers(repository, computeDigest(randomBytes(8)))).toEqual([]);
  });

  it('packs, pushes, signs, verifies and promotes by digest: 0 bytes copied, referrers carried, approval attested', async () => {
    const keys = async (name: string): Promise<{ key: SigningKey; pub: PublicKey; pubPath: string }> => {
      const written = await writeKeyPair(join(work, name));
      return {
        key: await loadSigningKey(written.privateKeyPath),
        pub: await loadPublicKey(written.publicKeyPath),
        pubPath: written.publicKeyPath,
      };
    };
    const [publisher, platform] = [await keys('publisher'), await keys('platform')];
    const app = await makeApp(join(work, 'app'), { 'unique.txt': randomBytes(8).toString('hex') });
    const packed = await packApp(app, { output: join(work, 'oci') });
    const ref = `${target.host}/${repo(0, 'demo')}:0.1.0`;
    const pushed = await pushLayout(packed.layout, ref, target.options);
    expect(pushed.bytesUploaded).toBeGreaterThan(0);
    const signed = await signArtifact(ref, publisher.key, target.options);
    expect(signed.subject).toBe(pushed.digest);
    expect(await verifyArtifact(ref, { publicKeys: [publisher.pub] }, target.options)).toMatchObject({
      allowed: true,
      digest: pushed.digest,
    });
    expect(await verifyArtifact(ref, { publicKeys: [platform.pub] }, target.options)).toMatchObject({
      allowed: false,
    });

    const release = `${target.host}/${repo(1, 'demo')}:0.1.0`;
    const promoted = await promoteArtifact(ref, release, {
      ...target.options,
      attestKey: platform.key,
      approver: 'ops@example.com',
    });
    expect(promoted).toMatchObject({ digest: pushed.digest, referrersCopied: 1, bytesCopied: 0 });
    const policyFile = join(work, 'policy.yaml');
    await writeFile(
      policyFile,
      `version: 1\nkeys:\n  acme: { publicKey: ${publisher.pubPath} }\n  platform: { publicKey: ${platform.pubPath} }\n` +
        `policies:\n  - name: released\n    scopes: ['**']\n    signatures: { authorities: [acme] }\n` +
        `    attestations:\n      - { predicateType: ${APPROVAL_PREDICATE_TYPE}, authorities: [platform] }\n`,
    );
    const policy = await loadTrustPolicy(policyFile);
    const approved = await verifyArtifact(release, { policy }, target.options);
    expect(approved).toMatchObject({ allowed: true, digest: pushed.digest });
    expect(approved.verified.map((v) => v.referrer).sort()).toEqual(
      [signed.digest, promoted.approval.digest].sort(),
    );
    // The source was never approved: the same policy refuses it.
    expect(await verifyArtifact(ref, { policy }, target.options)).toMatchObject({
      allowed: false,
      code: 'ATTESTATION_MISSING',
    });
  });
});
