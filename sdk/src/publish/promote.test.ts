import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, requireTools, startRegistry, type TestRegistry } from '@gpuaas/test-support';
import { RegistryClient } from '../oci/client.js';
import { referrersTag } from '../oci/referrers.js';
import { MEDIA_TYPES } from '../oci/types.js';
import { packApp } from '../pack/pack.js';
import { APPROVAL_PREDICATE_TYPE } from '../sign/statement.js';
import { loadTrustPolicy } from '../sign/trust-policy.js';
import { makeKeys, type TestKeys } from './fixtures.test.util.js';
import { promoteArtifact } from './promote.js';
import { pushLayout } from './push.js';
import { signArtifact } from './sign.js';
import { verifyArtifact } from './verify.js';

const available = requireTools('promotion and skopeo interop', 'docker-registry', 'skopeo');

describe.skipIf(!available)('promote by digest with referrers, and what skopeo copy loses', () => {
  let registry: TestRegistry;
  let second: TestRegistry;
  let work: string;
  let publisher: TestKeys;
  let platform: TestKeys;
  let skopeoEnv: NodeJS.ProcessEnv;
  /** Pushes and signs a fresh app (unique content) to `staging/<name>:0.1.0` on `on`. */
  let publish: (
    name: string,
    on?: TestRegistry,
  ) => Promise<{ ref: string; digest: string; signature: string }>;

  beforeAll(async () => {
    [registry, second] = await Promise.all([startRegistry(), startRegistry()]);
    work = await mkdtemp(join(tmpdir(), 'gpuaas-promote-'));
    publisher = await makeKeys(join(work, 'publisher'));
    platform = await makeKeys(join(work, 'platform'));
    // skopeo keeps a blob-info cache under XDG/HOME; a private one keeps tests independent.
    await mkdir(join(work, 'skopeo'), { recursive: true });
    skopeoEnv = { PATH: process.env.PATH, HOME: join(work, 'skopeo'), TMPDIR: join(work, 'skopeo') };
    publish = async (name, on = registry) => {
      const app = await makeApp(join(work, `app-${name}`), { 'unique.txt': name });
      const packed = await packApp(app, { output: join(work, `oci-${name}`) });
      const ref = `${on.host}/staging/${name}:0.1.0`;
      const pushed = await pushLayout(packed.layout, ref);
      const signed = await signArtifact(ref, publisher.key);
      return { ref, digest: pushed.digest, signature: signed.digest };
    };
  });
  afterAll(async () => {
    await Promise.all([registry?.stop(), second?.stop()]);
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  });

  async function skopeo(...args: string[]): Promise<Buffer> {
    const { stdout } = await promisify(execFile)('skopeo', args, {
      encoding: 'buffer',
      env: skopeoEnv,
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout;
  }

  async function approvalPolicy(): Promise<Awaited<ReturnType<typeof loadTrustPolicy>>> {
    const file = join(work, 'release-policy.yaml');
    await writeFile(
      file,
      `version: 1\nkeys:\n  acme: { publicKey: ${publisher.pubPath} }\n  platform: { publicKey: ${platform.pubPath} }\n` +
        `policies:\n  - name: released\n    scopes: ['**']\n    signatures: { authorities: [acme] }\n` +
        `    attestations:\n      - { predicateType: ${APPROVAL_PREDICATE_TYPE}, authorities: [platform] }\n`,
    );
    return loadTrustPolicy(file);
  }

  it('skopeo copy keeps the digest but drops the signature; promote carries it and adds the approval', async () => {
    const { ref, digest, signature } = await publish('interop');
    const raw = await skopeo('inspect', '--raw', '--tls-verify=false', `docker://${ref}`);
    const client = new RegistryClient({ registry: registry.host });
    expect(raw.equals((await client.getManifest('staging/interop', digest)).bytes)).toBe(true);

    const copied = `${registry.host}/copied/interop:0.1.0`;
    await skopeo(
      'copy',
      '--src-tls-verify=false',
      '--dest-tls-verify=false',
      `docker://${ref}`,
      `docker://${copied}`,
    );
    expect((await client.resolve('copied/interop', '0.1.0')).digest).toBe(digest);
    const lost = await verifyArtifact(copied, { publicKeys: [publisher.pub] });
    expect(lost).toMatchObject({
      allowed: false,
      code: 'SIGNATURE_NOT_FOUND',
      reasons: [`no signature found for ${copied}`],
    });

    const policy = await approvalPolicy();
    expect(await verifyArtifact(ref, { policy })).toMatchObject({
      allowed: false,
      code: 'ATTESTATION_MISSING',
    });

    const release = `${registry.host}/release/interop:0.1.0`;
    const promoted = await promoteArtifact(ref, release, {
      attestKey: platform.key,
      approver: 'ops@example.com',
    });
    expect(promoted).toMatchObject({ digest, referrersCopied: 1, bytesCopied: 0 });
    expect(promoted.approval).toMatchObject({ keyId: platform.key.keyId, created: true });
    expect(await verifyArtifact(release, { publicKeys: [publisher.pub] })).toMatchObject({ allowed: true });
    const approved = await verifyArtifact(release, { policy });
    expect(approved).toMatchObject({ allowed: true });
    expect(approved.verified.map((v) => v.referrer).sort()).toEqual(
      [signature, promoted.approval.digest].sort(),
    );
  });

  it('within one registry mounts every blob: 0 bytes copied', async () => {
    const { ref, digest } = await publish('mounted');
    const result = await promoteArtifact(ref, `${registry.host}/release/mounted:1.0.0`, {
      attestKey: platform.key,
    });
    expect(result.bytesCopied).toBe(0);
    expect(result.blobs.length).toBeGreaterThan(0);
    expect(result.blobs.every((b) => b.outcome === 'mounted')).toBe(true);
    const client = new RegistryClient({ registry: registry.host });
    expect((await client.resolve('release/mounted', '1.0.0')).digest).toBe(digest);
  });

  it('falls back to a streamed copy when the registry refuses the mount', async () => {
    const { ref, digest } = await publish('no-mount');
    // Dropping `mount` from the query is what a registry that will not mount does: open a plain upload (202).
    const refusing: typeof fetch = (input, init) => {
      const url = new URL(String(input instanceof Request ? input.url : input));
      url.searchParams.delete('mount');
      url.searchParams.delete('from');
      return fetch(url, init);
    };
    const client = new RegistryClient({ registry: registry.host, fetch: refusing });
    const result = await promoteArtifact(ref, `${registry.host}/release/no-mount:0.1.0`, {
      attestKey: platform.key,
      client,
    });
    expect(result.digest).toBe(digest);
    expect(result.blobs.some((b) => b.outcome === 'mounted')).toBe(false);
    expect(result.bytesCopied).toBeGreaterThan(0);
    expect(
      await verifyArtifact(`${registry.host}/release/no-mount:0.1.0`, { publicKeys: [publisher.pub] }),
    ).toMatchObject({
      allowed: true,
    });
  });

  it('across two registries streams every blob and keeps the digest and the referrers', async () => {
    const { ref, digest, signature } = await publish('crossing');
    const release = `${second.host}/release/crossing:0.1.0`;
    const result = await promoteArtifact(ref, release, { attestKey: platform.key });
    expect(result.digest).toBe(digest);
    expect(result.bytesCopied).toBeGreaterThan(0);
    expect(result.bytesCopied).toBe(result.blobs.reduce((sum, b) => sum + b.size, 0));
    expect(result.blobs.every((b) => b.outcome === 'uploaded')).toBe(true);

    const there = new RegistryClient({ registry: second.host });
    const here = new RegistryClient({ registry: registry.host });
    expect((await there.getManifest('release/crossing', '0.1.0')).bytes).toEqual(
      (await here.getManifest('staging/crossing', digest)).bytes,
    );
    const referrers = await there.listReferrers('release/crossing', digest, {
      artifactType: MEDIA_TYPES.sigstoreBundle,
    });
    expect(referrers.map((r) => r.digest).sort()).toEqual([signature, result.approval.digest].sort());
    expect(await verifyArtifact(release, { policy: await approvalPolicy() })).toMatchObject({
      allowed: true,
    });
  });

  it('carries referrers of referrers', async () => {
    const { ref, digest, signature } = await publish('nested');
    // A countersignature: a bundle whose subject is the publisher's signature manifest.
    const client = new RegistryClient({ registry: registry.host });
    const counter = await signArtifact(`${registry.host}/staging/nested@${signature}`, platform.key, {
      app: 'countersign',
      version: '1',
      publisher: 'audit',
    });
    const result = await promoteArtifact(ref, `${second.host}/release/nested:0.1.0`, {
      attestKey: platform.key,
    });
    expect(result.referrersCopied).toBe(2);
    const there = new RegistryClient({ registry: second.host });
    expect((await there.listReferrers('release/nested', signature)).map((r) => r.digest)).toEqual([
      counter.digest,
    ]);
    expect(await client.listReferrers('staging/nested', digest)).toHaveLength(1);
  });

  it('refuses to move a release tag bound to another digest, writing nothing, and is idempotent otherwise', async () => {
    const first = await publish('conflict-a');
    const other = await publish('conflict-b');
    const release = `${registry.host}/release/conflict:1.0.0`;
    const promoted = await promoteArtifact(first.ref, release, { attestKey: platform.key });

    const client = new RegistryClient({ registry: registry.host });
    const indexBefore = await client.headManifest('release/conflict', referrersTag(first.digest));
    const again = await promoteArtifact(first.ref, release, { attestKey: platform.key });
    expect(again).toMatchObject({ digest: first.digest, bytesCopied: 0 });
    expect(again.approval).toEqual({ ...promoted.approval, created: false });
    expect(await client.headManifest('release/conflict', referrersTag(first.digest))).toEqual(indexBefore);

    await expect(promoteArtifact(other.ref, release, { attestKey: platform.key })).rejects.toMatchObject({
      code: 'TAG_CONFLICT',
    });
    expect((await client.resolve('release/conflict', '1.0.0')).digest).toBe(first.digest);
    // Checked before copying: not even the other artifact's manifest or blobs reached the release repository.
    expect(await client.headManifest('release/conflict', other.digest)).toBeUndefined();
    expect(await client.headManifest('release/conflict', referrersTag(other.digest))).toBeUndefined();
  });
});
