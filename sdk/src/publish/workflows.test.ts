import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  flipByte,
  freePort,
  makeApp,
  requireTools,
  startRegistry,
  tamper,
  type TestRegistry,
} from '@gpuaas/test-support';
import { RegistryClient } from '../oci/client.js';
import { OciLayout } from '../oci/layout.js';
import { MEDIA_TYPES, type ImageManifest } from '../oci/types.js';
import { packApp } from '../pack/pack.js';
import { createKeySigner, signStatement } from '../sign/sign.js';
import { PUBLISH_PREDICATE_TYPE, createPublishStatement } from '../sign/statement.js';
import { loadTrustPolicy } from '../sign/trust-policy.js';
import { attachBundle } from './bundles.js';
import { makeKeys, type TestKeys } from './fixtures.test.util.js';
import { pullArtifact } from './pull.js';
import { pushLayout } from './push.js';
import { signArtifact } from './sign.js';
import { verifyArtifact } from './verify.js';

const available = requireTools('publishing workflows', 'docker-registry', 'skopeo');

/** Everything under `dir`, recursively, as relative paths. */
async function listFiles(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  return (await readdir(dir, { recursive: true })).map(String);
}

describe.skipIf(!available)('push, pull, sign and verify against Distribution 2.8', () => {
  let registry: TestRegistry;
  let work: string;
  let publisher: TestKeys;
  let stranger: TestKeys;
  /** Packs a fresh app (unique content, so its blobs are its own in registry storage) and pushes it. */
  let pushApp: (
    repository: string,
    unique: string,
  ) => Promise<{ ref: string; digest: string; layout: string }>;

  beforeAll(async () => {
    registry = await startRegistry();
    work = await mkdtemp(join(tmpdir(), 'gpuaas-publish-wf-'));
    publisher = await makeKeys(join(work, 'publisher'));
    stranger = await makeKeys(join(work, 'stranger'));
    pushApp = async (repository, unique) => {
      const app = await makeApp(join(work, `app-${unique}`), { 'unique.txt': unique });
      const packed = await packApp(app, { output: join(work, `oci-${unique}`) });
      const ref = `${registry.host}/${repository}:0.1.0`;
      const pushed = await pushLayout(packed.layout, ref);
      return { ref, digest: pushed.digest, layout: packed.layout };
    };
  });
  afterAll(async () => {
    await registry?.stop();
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  });

  it('pushes blobs then the manifest, re-pushes 0 bytes, and pulls the same digest back', async () => {
    const app = await makeApp(join(work, 'roundtrip'));
    const packed = await packApp(app, { output: join(work, 'roundtrip-oci') });
    const ref = `${registry.host}/acme/echo:0.1.0`;
    const blobBytes = packed.config.size + packed.layers.reduce((sum, l) => sum + l.size, 0);

    const first = await pushLayout(packed.layout, ref);
    expect(first.digest).toBe(packed.manifestDescriptor.digest);
    expect(first.reference).toBe(`${ref}@${first.digest}`);
    expect(first.bytesUploaded).toBe(blobBytes);
    expect(first.blobsUploaded).toBe(packed.layers.length + 1);
    expect(first.layers.map((l) => l.digest)).toEqual(packed.layers.map((l) => l.digest));

    const again = await pushLayout(packed.layout, ref);
    expect(again.digest).toBe(first.digest);
    expect(again.bytesUploaded).toBe(0);
    expect(again.blobsExisting).toBe(packed.layers.length + 1);

    const raw = await promisify(execFile)(
      'skopeo',
      ['inspect', '--raw', '--tls-verify=false', `docker://${ref}`],
      { encoding: 'buffer' },
    );
    expect(raw.stdout.equals(await (await OciLayout.open(packed.layout)).readBlob(first.digest))).toBe(true);

    const pulled = await pullArtifact(ref, join(work, 'roundtrip-pulled'));
    expect(pulled.digest).toBe(first.digest);
    const layout = await OciLayout.open(pulled.layout);
    expect((await layout.resolve('0.1.0')).digest).toBe(first.digest);
    for (const layer of packed.layers) {
      // readBlob verifies the digest while reading.
      expect((await layout.readBlob(layer.digest, 1 << 30)).length).toBe(layer.size);
    }
  });

  it('pins a tag: resolved once, everything else fetched by digest', async () => {
    const { ref, digest } = await pushApp('acme/pinned', 'pinned');
    const urls: string[] = [];
    const recording: typeof fetch = (input, init) => {
      urls.push(String(input instanceof Request ? input.url : input));
      return fetch(input, init);
    };
    await pullArtifact(ref, join(work, 'pinned-pulled'), { connection: { fetch: recording } });
    const byTag = urls.filter((u) => u.includes('/manifests/0.1.0'));
    expect(byTag).toHaveLength(1);
    expect(urls.filter((u) => u.includes(`/manifests/${digest}`)).length).toBeGreaterThan(0);
  });

  it('signs as a Sigstore bundle referrer that verifies with the key and not with another', async () => {
    const { ref, digest } = await pushApp('acme/signed', 'signed');
    const signed = await signArtifact(ref, publisher.key);
    expect(signed).toMatchObject({
      subject: digest,
      keyId: publisher.key.keyId,
      predicateType: PUBLISH_PREDICATE_TYPE,
    });

    const client = new RegistryClient({ registry: registry.host });
    const referrers = await client.listReferrers('acme/signed', digest);
    expect(referrers.map((r) => [r.digest, r.artifactType])).toEqual([
      [signed.digest, MEDIA_TYPES.sigstoreBundle],
    ]);
    const fetched = await client.fetchReferrer('acme/signed', { digest: signed.digest });
    expect(fetched.manifest.subject?.digest).toBe(digest);
    expect(fetched.layers.map((l) => l.descriptor.mediaType)).toEqual([MEDIA_TYPES.sigstoreBundle]);
    const statement = JSON.parse(
      Buffer.from(
        (JSON.parse(fetched.layers[0]!.bytes.toString()) as { dsseEnvelope: { payload: string } })
          .dsseEnvelope.payload,
        'base64',
      ).toString(),
    ) as { predicate: { app: string; publisher: string; repository: string } };
    expect(statement.predicate).toMatchObject({
      app: 'echo-llm',
      publisher: 'gpuaas-examples',
      repository: `${registry.host}/acme/signed`,
    });

    const ok = await verifyArtifact(ref, { publicKeys: [publisher.pub] });
    expect(ok).toMatchObject({ allowed: true, digest, reasons: [] });
    expect(ok.verified).toEqual([
      { referrer: signed.digest, keyId: publisher.key.keyId, predicateType: PUBLISH_PREDICATE_TYPE },
    ]);
    const untrusted = await verifyArtifact(ref, { publicKeys: [stranger.pub] });
    expect(untrusted).toMatchObject({ allowed: false, code: 'SIGNATURE_INVALID' });
    expect(untrusted.reasons[0]).toContain(publisher.key.keyId);
  });

  it('says SIGNATURE_NOT_FOUND, "no signature found for <ref>", when nothing is attached', async () => {
    const { ref } = await pushApp('acme/unsigned', 'unsigned');
    const result = await verifyArtifact(ref, { publicKeys: [publisher.pub] });
    expect(result).toMatchObject({ allowed: false, code: 'SIGNATURE_NOT_FOUND', bundles: 0 });
    expect(result.reasons).toEqual([`no signature found for ${ref}`]);
  });

  it('refuses a signature over another digest attached to this artifact with SUBJECT_MISMATCH', async () => {
    const victim = await pushApp('acme/victim', 'victim');
    const other = await pushApp('acme/victim-other', 'victim-other');
    const replayed = await signStatement(
      createPublishStatement({
        repository: `${registry.host}/acme/victim`,
        manifestDigest: other.digest,
        app: 'echo-llm',
        version: '0.1.0',
        publisher: 'gpuaas-examples',
      }),
      createKeySigner(publisher.key),
    );
    const client = new RegistryClient({ registry: registry.host });
    const subject = await client.resolve('acme/victim', victim.digest);
    await attachBundle(client, 'acme/victim', subject, replayed, PUBLISH_PREDICATE_TYPE);

    const withKey = await verifyArtifact(victim.ref, { publicKeys: [publisher.pub] });
    expect(withKey).toMatchObject({ allowed: false, code: 'SUBJECT_MISMATCH' });
    await writeFile(
      join(work, 'subject-policy.yaml'),
      `version: 1\nkeys:\n  acme: { publicKey: ${publisher.pubPath} }\n` +
        `policies:\n  - name: acme\n    scopes: ['${registry.host}/acme/**']\n    signatures: { authorities: [acme] }\n`,
    );
    const withPolicy = await verifyArtifact(victim.ref, {
      policy: await loadTrustPolicy(join(work, 'subject-policy.yaml')),
    });
    expect(withPolicy).toMatchObject({ allowed: false, code: 'SUBJECT_MISMATCH' });
  });

  it('evaluates a trust policy: ATTESTATION_MISSING without the approval, POLICY_NO_MATCH outside its scopes', async () => {
    const { ref } = await pushApp('release/app', 'policy');
    await signArtifact(ref, publisher.key);
    await writeFile(
      join(work, 'policy.yaml'),
      `version: 1\nkeys:\n  acme: { publicKey: ${publisher.pubPath} }\n  platform: { publicKey: ${stranger.pubPath} }\n` +
        `policies:\n  - name: released\n    scopes: ['${registry.host}/release/**']\n` +
        `    signatures: { authorities: [acme] }\n    attestations:\n` +
        `      - { predicateType: https://gpuaas.dev/attestations/approval/v1, authorities: [platform] }\n`,
    );
    const policy = await loadTrustPolicy(join(work, 'policy.yaml'));
    const result = await verifyArtifact(ref, { policy });
    expect(result).toMatchObject({ allowed: false, code: 'ATTESTATION_MISSING' });
    expect(result.decision?.policies.map((p) => p.name)).toEqual(['released']);
    expect(result.verified.map((v) => v.authority)).toEqual(['acme']);

    const elsewhere = await pushApp('scratch/app', 'policy-elsewhere');
    await signArtifact(elsewhere.ref, publisher.key);
    expect(await verifyArtifact(elsewhere.ref, { policy })).toMatchObject({
      allowed: false,
      code: 'POLICY_NO_MATCH',
    });
  });

  it('fails a pull with DIGEST_MISMATCH on a tampered layer and leaves no partial blob', async () => {
    const { ref, layout } = await pushApp('acme/tampered-layer', 'tampered-layer');
    const packedManifest = JSON.parse(
      (
        await (
          await OciLayout.open(layout)
        ).readBlob((await (await OciLayout.open(layout)).resolve('0.1.0')).digest)
      ).toString(),
    ) as ImageManifest;
    const layer = packedManifest.layers[0]!;
    await flipByte(registry.blobPath(layer.digest));

    const fresh = join(work, 'tampered-fresh');
    await expect(pullArtifact(ref, fresh)).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
    expect(existsSync(fresh)).toBe(false);

    // Into an existing layout: the layout is kept, but holds no trace of the bad blob.
    const existing = join(work, 'tampered-existing');
    await OciLayout.create(existing);
    await expect(pullArtifact(ref, existing)).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
    const files = await listFiles(existing);
    expect(files.filter((f) => f.includes('partial') || f.includes('.tmp-'))).toEqual([]);
    expect(files.some((f) => f.endsWith(layer.digest.slice('sha256:'.length)))).toBe(false);
    expect((await (await OciLayout.open(existing)).readIndex()).manifests).toEqual([]);
  });

  it('fails pull and sign with DIGEST_MISMATCH on a tampered manifest, writing nothing', async () => {
    const { ref, digest } = await pushApp('acme/tampered-manifest', 'tampered-manifest');
    await tamper(registry.blobPath(digest), '"0.1.0"', '"6.6.6"');
    const out = join(work, 'tampered-manifest-pulled');
    await expect(pullArtifact(ref, out)).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
    expect(existsSync(out)).toBe(false);
    await expect(signArtifact(ref, publisher.key)).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
    const client = new RegistryClient({ registry: registry.host });
    expect(await client.listReferrers('acme/tampered-manifest', digest)).toEqual([]);
  });

  it('gives REGISTRY_UNREACHABLE after the configured retries', async () => {
    const port = await freePort();
    const retries: number[] = [];
    await expect(
      pullArtifact(`127.0.0.1:${port}/acme/none:1`, join(work, 'unreachable'), {
        connection: { retry: { maxRetries: 2, initialDelayMs: 5 }, onRetry: (e) => retries.push(e.attempt) },
      }),
    ).rejects.toMatchObject({ code: 'REGISTRY_UNREACHABLE' });
    expect(retries).toEqual([1, 2]);
    expect(existsSync(join(work, 'unreachable'))).toBe(false);
  });
});

const withAuth = requireTools('publishing against an authenticating registry', 'docker-registry', 'perl');

describe.skipIf(!withAuth)('push to a registry with htpasswd auth', () => {
  let registry: TestRegistry;
  let work: string;
  let layout: string;

  beforeAll(async () => {
    registry = await startRegistry({ auth: 'htpasswd' });
    work = await mkdtemp(join(tmpdir(), 'gpuaas-publish-auth-'));
    layout = (await packApp(await makeApp(join(work, 'app')), { output: join(work, 'oci') })).layout;
  });
  afterAll(async () => {
    await registry?.stop();
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  });

  it('refuses wrong credentials with REGISTRY_UNAUTHORIZED and accepts the right ones', async () => {
    const ref = `${registry.host}/acme/echo:0.1.0`;
    const as = (password: string) => ({
      connection: { credentials: () => Promise.resolve({ username: registry.username, password }) },
    });
    await expect(pushLayout(layout, ref, as('wrong-password'))).rejects.toMatchObject({
      code: 'REGISTRY_UNAUTHORIZED',
    });
    const pushed = await pushLayout(layout, ref, as(registry.password));
    expect(pushed.bytesUploaded).toBeGreaterThan(0);
  });
});
