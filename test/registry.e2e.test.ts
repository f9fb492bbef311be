/**
 * The platform's embedded OCI registry with real clients, against a real `gpuaas-platform serve`:
 * the SDK's OCI client pushes an artifact (chunked and monolithic blobs, a manifest, a signature
 * referrer through the Referrers API) and pulls it back; skopeo inspects it with a platform token
 * as the Basic password, copies it to an OCI layout and back into another repository with its
 * digest intact, and copies it on to a Distribution registry (the other side of a promotion).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { MEDIA_TYPES, RegistryClient, bufferBlobSource, computeDigest, staticCredentials } from '@gpuaas/sdk';
import type { ImageManifest } from '@gpuaas/sdk';
import { createTestStore, requireTools, startRegistry } from '@gpuaas/test-support';
import type { TestRegistry, TestStore } from '@gpuaas/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPlatform, startServer } from './support/processes.js';
import type { TestServer } from './support/processes.js';

const execFileAsync = promisify(execFile);
const available = requireTools('embedded registry interop', 'skopeo', 'docker-registry');
const SIGNATURE_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';

async function skopeo(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync('skopeo', args, { maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe.skipIf(!available)('the embedded OCI registry with real clients', () => {
  let store: TestStore;
  let server: TestServer;
  let distribution: TestRegistry;
  let work: string;
  let host: string;
  let publisher: string;
  let stranger: string;
  let operator: string;
  let client: RegistryClient;
  const layer = randomBytes(3 * 1024 * 1024 + 17);
  const config = Buffer.from(JSON.stringify({ app: 'demo', version: '1.0.0' }));
  let manifestBytes: Buffer;
  let manifestDigest: string;

  const mint = async (args: string[]): Promise<string> => {
    const minted = await runPlatform(store, ['token', ...args]);
    expect(minted.code, minted.stderr).toBe(0);
    return minted.stdout.trim();
  };

  beforeAll(async () => {
    store = await createTestStore('sqlite');
    server = await startServer(store);
    host = new URL(server.url).host;
    distribution = await startRegistry();
    work = await mkdtemp(join(tmpdir(), 'registry-e2e-'));
    publisher = await mint(['--user', 'publisher@example.com', '--project', 'acme']);
    stranger = await mint(['--user', 'stranger@example.com', '--project', 'tenant-b']);
    operator = await mint(['--user', 'operator@example.com', '--operator']);
    client = new RegistryClient({
      registry: host,
      credentials: staticCredentials({ username: 'ci', password: publisher }),
    });
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    await distribution?.stop();
    await store?.drop();
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  });

  it('takes a push from the SDK client and serves it back byte for byte, signature referrer included', async () => {
    await client.pushBlob('acme/app', bufferBlobSource(config, computeDigest(config)));
    await client.pushBlob('acme/app', bufferBlobSource(layer), { chunkSize: 1024 * 1024 });
    const manifest: ImageManifest = {
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.imageManifest,
      artifactType: 'application/vnd.gpuaas.app.v1',
      config: { mediaType: MEDIA_TYPES.gpuaasAppConfig, digest: computeDigest(config), size: config.length },
      layers: [{ mediaType: MEDIA_TYPES.layerTar, digest: computeDigest(layer), size: layer.length }],
    };
    manifestBytes = Buffer.from(JSON.stringify(manifest, null, 1));
    const pushed = await client.putManifest('acme/app', '1.0.0', manifestBytes, MEDIA_TYPES.imageManifest);
    manifestDigest = pushed.digest;
    expect(manifestDigest).toBe(computeDigest(manifestBytes));

    const subject = {
      mediaType: MEDIA_TYPES.imageManifest,
      digest: manifestDigest,
      size: manifestBytes.length,
    };
    const bundle = Buffer.from(
      JSON.stringify({ mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json' }),
    );
    const signature = await client.pushReferrer('acme/app', subject, {
      artifactType: SIGNATURE_TYPE,
      layers: [{ mediaType: SIGNATURE_TYPE, bytes: bundle }],
    });
    const referrers = await client.listReferrers('acme/app', manifestDigest, {
      artifactType: SIGNATURE_TYPE,
    });
    expect(referrers.map((r) => r.digest)).toEqual([signature.digest]);
    // The registry processed `subject` itself (OCI-Subject), so no fallback tag was written.
    const tags: string[] = [];
    for await (const tag of client.listTags('acme/app')) tags.push(tag);
    expect(tags).toEqual(['1.0.0']);

    const fetched = await client.getManifest('acme/app', '1.0.0');
    expect(fetched.descriptor.digest).toBe(manifestDigest);
    expect(fetched.bytes.equals(manifestBytes)).toBe(true);
    const destination = join(work, 'layer.bin');
    await client.pullBlob('acme/app', { digest: computeDigest(layer), size: layer.length }, destination);
    expect((await readFile(destination)).equals(layer)).toBe(true);
  });

  it('answers skopeo inspect with a platform token as the Basic password, and nobody else', async () => {
    const ref = `docker://${host}/acme/app@${manifestDigest}`;
    const raw = await skopeo('inspect', '--raw', '--tls-verify=false', '--creds', `x:${publisher}`, ref);
    expect(raw.code, raw.stderr).toBe(0);
    expect(raw.stdout).toBe(manifestBytes.toString());
    // skopeo's full inspect reads an image config (it refuses app artifacts with any registry):
    // push a plain image for it, and let an operator, who is no member, read it.
    const imageConfig = Buffer.from(
      JSON.stringify({
        architecture: 'amd64',
        os: 'linux',
        rootfs: { type: 'layers', diff_ids: [computeDigest(layer)] },
      }),
    );
    await client.pushBlob('acme/image', bufferBlobSource(imageConfig, computeDigest(imageConfig)));
    await client.pushBlob('acme/image', bufferBlobSource(layer));
    const image: ImageManifest = {
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.imageManifest,
      config: {
        mediaType: MEDIA_TYPES.imageConfig,
        digest: computeDigest(imageConfig),
        size: imageConfig.length,
      },
      layers: [{ mediaType: MEDIA_TYPES.layerTar, digest: computeDigest(layer), size: layer.length }],
    };
    const imageBytes = Buffer.from(JSON.stringify(image));
    const { digest: imageDigest } = await client.putManifest(
      'acme/image',
      'v1',
      imageBytes,
      MEDIA_TYPES.imageManifest,
    );
    const imageRef = `docker://${host}/acme/image@${imageDigest}`;
    const inspected = await skopeo('inspect', '--tls-verify=false', '--creds', `x:${operator}`, imageRef);
    expect(inspected.code, inspected.stderr).toBe(0);
    expect(JSON.parse(inspected.stdout)).toMatchObject({
      Digest: imageDigest,
      Architecture: 'amd64',
      Os: 'linux',
    });
    const anonymous = await skopeo('inspect', '--raw', '--tls-verify=false', '--no-creds', ref);
    expect(anonymous.code).not.toBe(0);
    expect(anonymous.stderr).toMatch(/401|unauthorized|authentication required/i);
    const other = await skopeo('inspect', '--raw', '--tls-verify=false', '--creds', `x:${stranger}`, ref);
    expect(other.code).not.toBe(0);
    expect(other.stderr).toMatch(/NAME_UNKNOWN|not known|manifest unknown|404/i);
  });

  it('round-trips through skopeo copy to an OCI layout and back, keeping the digest', async () => {
    const layout = join(work, 'layout');
    const out = await skopeo(
      'copy',
      '--src-tls-verify=false',
      '--src-creds',
      `x:${publisher}`,
      `docker://${host}/acme/app@${manifestDigest}`,
      `oci:${layout}:1.0.0`,
    );
    expect(out.code, out.stderr).toBe(0);
    const back = await skopeo(
      'copy',
      '--dest-tls-verify=false',
      '--dest-creds',
      `x:${publisher}`,
      `oci:${layout}:1.0.0`,
      `docker://${host}/acme/copied:1.0.0`,
    );
    expect(back.code, back.stderr).toBe(0);
    const copied = await client.resolve('acme/copied', '1.0.0');
    expect(copied.digest).toBe(manifestDigest);
    // Another tenant cannot push into the publisher's namespace.
    const intruder = await skopeo(
      'copy',
      '--dest-tls-verify=false',
      '--dest-creds',
      `x:${stranger}`,
      `oci:${layout}:1.0.0`,
      `docker://${host}/acme/intruder:1.0.0`,
    );
    expect(intruder.code).not.toBe(0);
  });

  it('copies on to a Distribution registry with the same digest', async () => {
    const out = await skopeo(
      'copy',
      '--src-tls-verify=false',
      '--dest-tls-verify=false',
      '--src-creds',
      `x:${publisher}`,
      `docker://${host}/acme/app@${manifestDigest}`,
      `docker://${distribution.host}/release/app:1.0.0`,
    );
    expect(out.code, out.stderr).toBe(0);
    const raw = await skopeo(
      'inspect',
      '--raw',
      '--tls-verify=false',
      `docker://${distribution.host}/release/app:1.0.0`,
    );
    expect(raw.code, raw.stderr).toBe(0);
    expect(raw.stdout).toBe(manifestBytes.toString());
  });

  // The SDK's registry operations, the same calls against both registries: the embedded one
  // answers the Referrers API itself, Distribution through the SDK's tag fallback.
  describe.each(['embedded', 'distribution'] as const)('the SDK client against the %s registry', (target) => {
    const sdk = (): RegistryClient =>
      target === 'embedded' ? client : new RegistryClient({ registry: distribution.host });
    const repo = target === 'embedded' ? 'acme/both' : 'release/both';

    it('pushes, mounts, tags, pages, lists referrers and deletes alike', async () => {
      const c = sdk();
      const blob = randomBytes(200_000);
      await c.pushBlob(repo, bufferBlobSource(blob), { chunkSize: 64 * 1024 });
      await c.pushBlob(repo, bufferBlobSource(config, computeDigest(config)));
      expect(await c.hasBlob(repo, computeDigest(blob))).toBe(true);
      expect(await c.mountBlob(`${repo}-mounted`, computeDigest(blob), repo)).toBe(true);
      expect(await c.hasBlob(`${repo}-mounted`, computeDigest(blob))).toBe(true);
      const manifest: ImageManifest = {
        schemaVersion: 2,
        mediaType: MEDIA_TYPES.imageManifest,
        artifactType: 'application/vnd.gpuaas.app.v1',
        config: {
          mediaType: MEDIA_TYPES.gpuaasAppConfig,
          digest: computeDigest(config),
          size: config.length,
        },
        layers: [{ mediaType: MEDIA_TYPES.layerTar, digest: computeDigest(blob), size: blob.length }],
      };
      const bytes = Buffer.from(JSON.stringify(manifest));
      const pushed = await c.putManifest(repo, 'v1', bytes, MEDIA_TYPES.imageManifest);
      for (const tag of ['v2', 'v3']) await c.putManifest(repo, tag, bytes, MEDIA_TYPES.imageManifest);
      const tags: string[] = [];
      for await (const tag of c.listTags(repo, { pageSize: 1 })) tags.push(tag);
      expect(tags.filter((t) => t.startsWith('v'))).toEqual(['v1', 'v2', 'v3']);

      const subject = { mediaType: MEDIA_TYPES.imageManifest, digest: pushed.digest, size: bytes.length };
      const signature = await c.pushReferrer(repo, subject, {
        artifactType: SIGNATURE_TYPE,
        layers: [{ mediaType: SIGNATURE_TYPE, bytes: Buffer.from('{"sig":1}') }],
      });
      await c.pushReferrer(repo, subject, {
        artifactType: 'application/spdx+json',
        layers: [{ mediaType: 'application/spdx+json', bytes: Buffer.from('{}') }],
      });
      const signatures = await c.listReferrers(repo, pushed.digest, { artifactType: SIGNATURE_TYPE });
      expect(signatures.map((d) => d.digest)).toEqual([signature.digest]);
      expect(await c.listReferrers(repo, pushed.digest)).toHaveLength(2);
      const fetched = await c.fetchReferrer(repo, signature);
      expect(Buffer.from(fetched.layers[0]?.bytes ?? []).toString()).toBe('{"sig":1}');

      await c.deleteManifest(repo, pushed.digest);
      expect(await c.headManifest(repo, 'v1')).toBeUndefined();
      await c.deleteBlob(`${repo}-mounted`, computeDigest(blob));
      expect(await c.hasBlob(`${repo}-mounted`, computeDigest(blob))).toBe(false);
    });
  });
});
