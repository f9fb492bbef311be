import { existsSync } from 'node:fs';
import { lstat, mkdtemp, readFile, readdir, readlink, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APPROVAL_PREDICATE_TYPE,
  PUBLISH_PREDICATE_TYPE,
  loadTrustPolicy,
  promoteArtifact,
  publishApp,
  signArtifact,
  type PublishAppResult,
  type TrustPolicy,
} from '@gpuaas/sdk';
import { requireTools, startRegistry, type TestRegistry } from '@gpuaas/test-support';
import { removeTree } from './cache.js';
import { fetchArtifact, type FetchArtifactOptions } from './fetch.js';
import {
  evilLayer,
  makeKeys,
  pushHandMade,
  recordingFetch,
  recordingTracer,
  writeApp,
  type TestKeys,
} from './fixtures.test.util.js';

const available = requireTools('fetching artifacts from a registry', 'docker-registry');
const logger = pino({ level: 'silent' });

/** Relative paths of everything under `dir` (empty when it does not exist). */
async function listTree(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  return (await readdir(dir, { recursive: true })).map(String).sort();
}

describe.skipIf(!available)('fetchArtifact against Distribution', () => {
  let registry: TestRegistry;
  let work: string;
  let publisher: TestKeys;
  let stranger: TestKeys;
  let platform: TestKeys;
  let policy: TrustPolicy;
  let counter = 0;

  /** Publishes a fresh app (own content, so own blobs) signed by `signer`. */
  const publish = async (repository: string, signer: TestKeys = publisher): Promise<PublishAppResult> => {
    const unique = `app-${++counter}`;
    const dir = await writeApp(join(work, unique), unique);
    return publishApp(dir, { to: `${registry.host}/${repository}:1.0.0`, signingKey: signer.key });
  };
  const options = (reference: string, extra: Partial<FetchArtifactOptions> = {}): FetchArtifactOptions => ({
    reference,
    cacheDir: join(work, 'cache'),
    keys: [publisher.pub],
    logger,
    ...extra,
  });

  beforeAll(async () => {
    registry = await startRegistry();
    work = await mkdtemp(join(tmpdir(), 'rt-fetch-'));
    publisher = await makeKeys(join(work, 'publisher'));
    stranger = await makeKeys(join(work, 'stranger'));
    platform = await makeKeys(join(work, 'platform'));
    await writeFile(
      join(work, 'policy.yaml'),
      `version: 1\nkeys:\n  acme: { publicKey: ${publisher.pubPath} }\n  platform: { publicKey: ${platform.pubPath} }\n` +
        `policies:\n  - name: acme-apps\n    scopes: ['${registry.host}/acme/**']\n    signatures: { authorities: [acme] }\n` +
        `  - name: released\n    scopes: ['${registry.host}/release/**']\n    signatures: { authorities: [acme] }\n` +
        `    attestations:\n      - { predicateType: ${APPROVAL_PREDICATE_TYPE}, authorities: [platform] }\n`,
    );
    policy = await loadTrustPolicy(join(work, 'policy.yaml'));
  });
  afterAll(async () => {
    await registry?.stop();
    if (work !== undefined) await removeTree(work);
  });

  it('pins a tag to its digest once, verifies, and unpacks a read-only tree; a second fetch unpacks nothing and only resolves the tag', async () => {
    const published = await publish('acme/happy');
    const recorder = recordingFetch();
    const { tracer, spans } = recordingTracer();
    const tag = `${registry.host}/acme/happy:1.0.0`;
    const first = await fetchArtifact(options(tag, { registry: { fetch: recorder.fetch }, tracer }));

    expect(first).toMatchObject({
      digest: published.digest,
      reference: `${tag}@${published.digest}`,
      fromCache: false,
      manifest: { name: 'fetch-test', version: '1.0.0' },
      verified: {
        signer: { keyId: publisher.key.keyId, predicateType: PUBLISH_PREDICATE_TYPE },
        attestations: [],
      },
    });
    expect(recorder.requests.filter((r) => r.endsWith('/manifests/1.0.0'))).toHaveLength(1);
    const layerDigests = published.layers.map((l) => l.digest);
    for (const digest of layerDigests) {
      expect(recorder.requests.filter((r) => r === `GET /v2/acme/happy/blobs/${digest}`)).toHaveLength(1);
    }
    const app = first.appDir;
    expect(await listTree(app)).toEqual([
      'bin',
      'bin/start.sh',
      'gpuaas-app.yaml',
      'models',
      'models/weights.bin',
      'unique.txt',
      'weights',
    ]);
    expect(await readFile(join(app, 'unique.txt'), 'utf8')).toBe('app-1');
    expect(await readlink(join(app, 'weights'))).toBe('models/weights.bin');
    expect((await stat(join(app, 'weights'))).size).toBe(200_000);
    expect((await lstat(join(app, 'bin/start.sh'))).mode & 0o777).toBe(0o555);
    expect((await lstat(join(app, 'unique.txt'))).mode & 0o777).toBe(0o444);
    expect((await lstat(join(app, 'models'))).mode & 0o777).toBe(0o555);
    expect((await lstat(app)).mode & 0o777).toBe(0o555);
    expect(first.stats.filesUnpacked).toBe(4); // regular files; the symlink is not counted
    expect(first.stats.bytesDownloaded).toBeGreaterThan(200_000 / 100);
    expect(spans).toEqual([
      {
        name: 'fetch artifact',
        attributes: {
          'gpuaas.artifact.reference': tag,
          'gpuaas.artifact.digest': published.digest,
          'gpuaas.artifact.bytes': first.stats.bytesDownloaded,
          'gpuaas.artifact.from_cache': false,
          'gpuaas.artifact.offline': false,
        },
        ended: true,
      },
    ]);

    const before = await stat(join(app, 'unique.txt'));
    const again = recordingFetch();
    const second = await fetchArtifact(options(tag, { registry: { fetch: again.fetch } }));
    expect(second).toMatchObject({ digest: published.digest, appDir: app, fromCache: true, offline: true });
    expect(second.stats).toMatchObject({ bytesDownloaded: 0, filesUnpacked: 0, bytesUnpacked: 0 });
    const after = await stat(join(app, 'unique.txt'));
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
    // The tag is resolved again (tags move); the signature is checked again from the bundles kept
    // in the cache (warm.test.ts), so that is the only request.
    expect(again.requests).toEqual(['HEAD /v2/acme/happy/manifests/1.0.0']);
    expect(second.verified.signer).toMatchObject({ keyId: publisher.key.keyId });
  });

  it('does not reuse a verdict: a cached artifact is refused once its key is no longer trusted', async () => {
    const published = await publish('acme/revoked');
    const reference = `${registry.host}/acme/revoked@${published.digest}`;
    expect((await fetchArtifact(options(reference))).fromCache).toBe(false);
    await expect(fetchArtifact(options(reference, { keys: [stranger.pub] }))).rejects.toMatchObject({
      code: 'ARTIFACT_UNTRUSTED',
    });
  });

  it('unpacks once when two launches fetch the same artifact at the same time', async () => {
    const published = await publish('acme/twice');
    const recorder = recordingFetch();
    const reference = `${registry.host}/acme/twice:1.0.0`;
    const [a, b] = await Promise.all([
      fetchArtifact(options(reference, { registry: { fetch: recorder.fetch } })),
      fetchArtifact(options(reference, { registry: { fetch: recorder.fetch } })),
    ]);
    expect([a.fromCache, b.fromCache].sort()).toEqual([false, true]);
    expect(a.appDir).toBe(b.appDir);
    expect(a.stats.filesUnpacked + b.stats.filesUnpacked).toBe(4);
    for (const layer of published.layers) {
      expect(recorder.requests.filter((r) => r === `GET /v2/acme/twice/blobs/${layer.digest}`)).toHaveLength(
        1,
      );
    }
  });

  it('refuses a tampered layer as ARTIFACT_TAMPERED naming the blob, and keeps nothing of it', async () => {
    const published = await publish('acme/tampered');
    const weights = published.layers.find(
      (l) => l.annotations?.['org.opencontainers.image.title'] === 'weights',
    );
    expect(weights).toBeDefined();
    const data = registry.blobPath(weights!.digest);
    const bytes = await readFile(data);
    bytes[bytes.length >> 1] = (bytes[bytes.length >> 1] ?? 0) ^ 0xff;
    await writeFile(data, bytes);

    const cacheDir = join(work, 'tampered-cache');
    const failure = fetchArtifact(options(`${registry.host}/acme/tampered:1.0.0`, { cacheDir }));
    await expect(failure).rejects.toMatchObject({
      code: 'ARTIFACT_TAMPERED',
      message: expect.stringContaining(`layer "weights" (${weights!.digest})`),
      details: { blob: weights!.digest },
    });
    expect(await listTree(join(cacheDir, 'trees'))).toEqual([]);
    expect(await listTree(join(cacheDir, 'tmp'))).toEqual([]);
    expect((await listTree(join(cacheDir, 'blobs'))).join('\n')).not.toContain(weights!.digest.slice(7));
  });

  it("refuses an untrusted signer with the policy's reason, before downloading any layer", async () => {
    const published = await publish('acme/stranger', stranger);
    const recorder = recordingFetch();
    const cacheDir = join(work, 'untrusted-cache');
    const failure = fetchArtifact(
      options(`${registry.host}/acme/stranger:1.0.0`, {
        cacheDir,
        keys: undefined,
        trustPolicy: policy,
        registry: { fetch: recorder.fetch },
      }),
    );
    await expect(failure).rejects.toMatchObject({
      code: 'ARTIFACT_UNTRUSTED',
      message: expect.stringMatching(/SIGNATURE_INVALID: .*acme-apps/),
      details: { digest: published.digest, policyCode: 'SIGNATURE_INVALID' },
    });
    for (const layer of published.layers) expect(recorder.requests.join('\n')).not.toContain(layer.digest);
    expect(existsSync(cacheDir)).toBe(false);
  });

  it('refuses a release without the approval attestation, and accepts it once promoted', async () => {
    await publish('release/unapproved');
    await expect(
      fetchArtifact(
        options(`${registry.host}/release/unapproved:1.0.0`, { keys: undefined, trustPolicy: policy }),
      ),
    ).rejects.toMatchObject({
      code: 'ARTIFACT_UNTRUSTED',
      message: expect.stringContaining('ATTESTATION_MISSING'),
      details: { policyCode: 'ATTESTATION_MISSING' },
    });

    const staged = await publish('acme/staged');
    await promoteArtifact(staged.reference, `${registry.host}/release/approved:1.0.0`, {
      attestKey: platform.key,
    });
    const fetched = await fetchArtifact(
      options(`${registry.host}/release/approved:1.0.0`, { keys: undefined, trustPolicy: policy }),
    );
    expect(fetched.digest).toBe(staged.digest);
    expect(fetched.verified).toMatchObject({
      signer: { keyId: publisher.key.keyId, authority: 'acme' },
      attestations: [
        { keyId: platform.key.keyId, predicateType: APPROVAL_PREDICATE_TYPE, authority: 'platform' },
      ],
      policies: ['released'],
    });
  });

  it('refuses a layer entry that climbs out of the app folder, and writes nothing outside the cache', async () => {
    const crafted = await pushHandMade(registry.host, 'acme/evil', '1.0.0', evilLayer());
    await signArtifact(crafted.reference, publisher.key);
    const cacheDir = join(work, 'evil', 'deep', 'cache');
    await expect(fetchArtifact(options(crafted.reference, { cacheDir }))).rejects.toMatchObject({
      code: 'ARTIFACT_UNSAFE',
      message: expect.stringContaining('"../../escaped.txt"'),
    });
    expect(await listTree(join(work, 'evil'))).not.toContainEqual(expect.stringContaining('escaped'));
    expect(await listTree(join(cacheDir, 'trees'))).toEqual([]);
    expect(await listTree(join(cacheDir, 'tmp'))).toEqual([]);
  });

  it('maps a missing artifact and a malformed reference to their codes', async () => {
    await expect(fetchArtifact(options(`${registry.host}/acme/none:1.0.0`))).rejects.toMatchObject({
      code: 'ARTIFACT_NOT_FOUND',
    });
    await expect(fetchArtifact(options(`${registry.host}/acme/none`))).rejects.toMatchObject({
      code: 'ARTIFACT_REFERENCE_INVALID',
    });
  });
});
